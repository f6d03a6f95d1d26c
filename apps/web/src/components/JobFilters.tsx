import { BUCKETS, JOB_STATES, stateLabel } from '../lib/states';
import type { JobFilter } from '../lib/useJobList';

interface Props {
  filter: JobFilter;
  types: string[];
  queues: string[];
  onChange: (next: JobFilter) => void;
}

export function JobFilters({ filter, types, queues, onChange }: Props) {
  const set = (key: keyof JobFilter, value: string) => onChange({ ...filter, [key]: value || undefined });
  const active = !!(filter.state || filter.bucket || filter.type || filter.queue);
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
      {active && (
        <button type="button" className="button button-ghost" onClick={() => onChange({})}>
          Clear filters
        </button>
      )}
    </div>
  );
}
