import { BUCKETS, JOB_STATES, stateLabel } from '../lib/states';
import type { JobListFilter } from '../lib/useJobList';
import { Options } from './Options';
import './JobFilters.css';

interface Props {
  filter: JobListFilter;
  types: string[];
  queues: string[];
  onChange: (next: JobListFilter) => void;
}

export function JobFilters({ filter, types, queues, onChange }: Props) {
  const set = (key: keyof JobListFilter, value: string) => onChange({ ...filter, [key]: value || undefined });
  const active = !!(filter.state || filter.bucket || filter.type || filter.queue || filter.superseded);
  const bucket = BUCKETS.find((entry) => entry.key === filter.bucket);
  // The list's filters by a value, each with "any" first: choosing it drops the filter.
  const selects = [
    { key: 'state', label: 'State', options: JOB_STATES.map((state) => ({ value: state, label: stateLabel(state) })) },
    { key: 'type', label: 'Type', options: types },
    { key: 'queue', label: 'Queue', options: queues },
  ] as const;
  return (
    <div className="filters" role="search" data-testid="job-filters">
      {bucket && (
        <button
          type="button"
          className="chip"
          onClick={() => set('bucket', '')}
          data-testid="filter-bucket"
          title="Remove this filter"
        >
          {bucket.label}: {bucket.states.map(stateLabel).join(', ')} ×
        </button>
      )}
      {selects.map(({ key, label, options }) => (
        <label key={key} className="field field-inline">
          <span>{label}</span>
          <select
            value={filter[key] ?? ''}
            onChange={(event) => set(key, event.target.value)}
            data-testid={`filter-${key}`}
          >
            <option value="">any</option>
            <Options options={options} />
          </select>
        </label>
      ))}
      <label className="field field-inline field-toggle" title="Failed originals replaced by a retry with changes">
        <input
          type="checkbox"
          checked={!!filter.superseded}
          onChange={(event) => set('superseded', event.target.checked ? 'shown' : '')}
          data-testid="filter-superseded"
        />
        <span>Show superseded</span>
      </label>
      {active && (
        <button type="button" className="button button-ghost" onClick={() => onChange({})}>
          Clear filters
        </button>
      )}
    </div>
  );
}
