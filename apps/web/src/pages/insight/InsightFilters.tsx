import { trpc } from '../../trpc';
import type { InsightFilter } from './insight-filter';

/** Narrows every figure of the window to one job type, queue or schedule. */
export function InsightFilters({
  filter,
  onChange,
}: {
  filter: InsightFilter;
  onChange: (next: InsightFilter) => void;
}) {
  const types = trpc.jobs.types.useQuery(undefined, { staleTime: 10 * 60_000 });
  const schedules = trpc.schedules.list.useQuery(undefined, { staleTime: 60_000 });
  const typeNames = types.data?.map((type) => type.type) ?? [];
  const queues = [...new Set(types.data?.map((type) => type.queue) ?? [])].sort();
  const select = (key: 'type' | 'queue' | 'schedule', label: string, options: Array<[string, string]>) => {
    const value = filter[key] ?? '';
    // A value from a link the lists do not (yet) know is still shown as chosen.
    const all = value && !options.some(([option]) => option === value) ? [...options, [value, value]] : options;
    return (
      <label className="field field-inline">
        <span>{label}</span>
        <select
          value={value}
          onChange={(event) => onChange({ ...filter, [key]: event.target.value || undefined })}
          data-testid={`insight-filter-${key}`}
        >
          <option value="">all</option>
          {all.map(([option, text]) => (
            <option key={option} value={option}>
              {text}
            </option>
          ))}
        </select>
      </label>
    );
  };
  return (
    <div className="insight-filters" role="search" aria-label="Filters" data-testid="insight-filters">
      {select(
        'type',
        'Type',
        typeNames.map((name) => [name, name]),
      )}
      {select(
        'queue',
        'Queue',
        queues.map((name) => [name, name]),
      )}
      {select(
        'schedule',
        'Schedule',
        (schedules.data ?? []).map((schedule) => [schedule.id, schedule.name]),
      )}
      {(filter.type || filter.queue || filter.schedule) && (
        <button
          type="button"
          className="button button-small button-ghost"
          onClick={() => onChange({ ...filter, type: undefined, queue: undefined, schedule: undefined })}
          data-testid="insight-filter-clear"
        >
          Clear filters
        </button>
      )}
    </div>
  );
}
