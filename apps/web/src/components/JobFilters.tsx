import { BUCKETS, JOB_STATES, stateLabel } from '../lib/states';
import type { JobListFilter } from '../lib/useJobList';
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
      <label className="field field-inline">
        <span>State</span>
        <select
          value={filter.state ?? ''}
          onChange={(event) => set('state', event.target.value)}
          data-testid="filter-state"
        >
          <option value="">any</option>
          {JOB_STATES.map((state) => (
            <option key={state} value={state}>
              {stateLabel(state)}
            </option>
          ))}
        </select>
      </label>
      <label className="field field-inline">
        <span>Type</span>
        <select
          value={filter.type ?? ''}
          onChange={(event) => set('type', event.target.value)}
          data-testid="filter-type"
        >
          <option value="">any</option>
          {types.map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </select>
      </label>
      <label className="field field-inline">
        <span>Queue</span>
        <select
          value={filter.queue ?? ''}
          onChange={(event) => set('queue', event.target.value)}
          data-testid="filter-queue"
        >
          <option value="">any</option>
          {queues.map((queue) => (
            <option key={queue} value={queue}>
              {queue}
            </option>
          ))}
        </select>
      </label>
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
