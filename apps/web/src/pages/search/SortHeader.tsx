import type { JobSearch } from './search-types';
import { SORT_LABELS, sortBy, sortOf, type SearchSort } from './sorts';

/** A column header that sorts by its column when clicked, and the other way when clicked again. */
export function SortHeader({
  sort,
  search,
  onChange,
  className,
}: {
  sort: SearchSort;
  search: JobSearch;
  onChange: (next: JobSearch) => void;
  className?: string;
}) {
  const current = sortOf(search);
  const active = current.sort === sort;
  return (
    <th
      scope="col"
      className={className}
      aria-sort={active ? (current.order === 'desc' ? 'descending' : 'ascending') : undefined}
    >
      <button
        type="button"
        className={`sort-header${active ? ' sort-header-active' : ''}`}
        onClick={() => onChange(sortBy(search, sort))}
        data-testid={`sort-${sort}`}
      >
        {SORT_LABELS[sort]}
        <span aria-hidden="true" className="sort-arrow">
          {active ? (current.order === 'desc' ? '↓' : '↑') : '↕'}
        </span>
      </button>
    </th>
  );
}
