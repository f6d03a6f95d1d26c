import { Options } from '../../components/Options';
import type { JobSearch } from './search-types';
import { SEARCH_SORTS, SORT_LABELS, sortOf, type SearchSort } from './sorts';

/** Sort by any of the API's sorts (wait time has no column of its own), either way. */
export function SortPicker({ search, onChange }: { search: JobSearch; onChange: (next: JobSearch) => void }) {
  const { sort, order } = sortOf(search);
  return (
    <div className="sort-picker">
      <label className="field field-inline">
        <span>Sort by</span>
        <select
          value={sort}
          onChange={(event) => onChange({ ...search, sort: event.target.value as SearchSort, order })}
          data-testid="search-sort"
        >
          <Options options={SEARCH_SORTS.map((value) => ({ value, label: SORT_LABELS[value] }))} />
        </select>
      </label>
      <button
        type="button"
        className="button button-small"
        onClick={() => onChange({ ...search, sort, order: order === 'desc' ? 'asc' : 'desc' })}
        aria-label={order === 'desc' ? 'Descending: sort ascending instead' : 'Ascending: sort descending instead'}
        data-testid="search-order"
        data-order={order}
      >
        {order === 'desc' ? '↓ desc' : '↑ asc'}
      </button>
    </div>
  );
}
