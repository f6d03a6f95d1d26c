import { useEffect, useState, type FormEvent } from 'react';
import { fromLocalInput, toLocalInput } from '../../lib/local-time';
import { DEFAULT_WINDOW, WINDOWS, type InsightFilter, type WindowKey } from './insight-filter';

/** The window's buttons, and for a custom window its range. */
export function WindowPicker({ filter, onChange }: { filter: InsightFilter; onChange: (next: InsightFilter) => void }) {
  const current = filter.window ?? DEFAULT_WINDOW;
  const pick = (key: WindowKey) => {
    if (key === 'custom') {
      // Starts from the last 24 hours, to be narrowed.
      const to = new Date();
      const from = new Date(to.getTime() - 24 * 3_600_000);
      onChange({
        ...filter,
        window: 'custom',
        from: filter.from ?? from.toISOString(),
        to: filter.to ?? to.toISOString(),
      });
    } else onChange({ ...filter, window: key === DEFAULT_WINDOW ? undefined : key, from: undefined, to: undefined });
  };
  return (
    <div className="window-picker">
      <div className="segmented" role="group" aria-label="Window" data-testid="insight-window">
        {WINDOWS.map((entry) => (
          <button
            key={entry.key}
            type="button"
            className={`segment${current === entry.key ? ' segment-on' : ''}`}
            aria-pressed={current === entry.key}
            title={entry.title}
            onClick={() => pick(entry.key)}
            data-testid={`insight-window-${entry.key}`}
          >
            {entry.label}
          </button>
        ))}
      </div>
      {current === 'custom' && <CustomRange filter={filter} onChange={onChange} />}
    </div>
  );
}

function CustomRange({ filter, onChange }: { filter: InsightFilter; onChange: (next: InsightFilter) => void }) {
  const [from, setFrom] = useState(() => toLocalInput(filter.from));
  const [to, setTo] = useState(() => toLocalInput(filter.to));
  useEffect(() => {
    setFrom(toLocalInput(filter.from));
    setTo(toLocalInput(filter.to));
  }, [filter.from, filter.to]);
  const range = { from: fromLocalInput(from), to: fromLocalInput(to) };
  const invalid = !range.from || !range.to || Date.parse(range.to) - Date.parse(range.from) < 60_000;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!invalid) onChange({ ...filter, window: 'custom', ...range });
  };
  return (
    <form className="custom-range" onSubmit={submit} aria-label="Custom range" data-testid="insight-custom">
      <label className="field field-inline">
        <span>From</span>
        <input
          type="datetime-local"
          value={from}
          onChange={(event) => setFrom(event.target.value)}
          data-testid="insight-custom-from"
        />
      </label>
      <label className="field field-inline">
        <span>To</span>
        <input
          type="datetime-local"
          value={to}
          onChange={(event) => setTo(event.target.value)}
          data-testid="insight-custom-to"
        />
      </label>
      <button type="submit" className="button button-small" disabled={invalid} data-testid="insight-custom-apply">
        Apply
      </button>
      {invalid && from && to && <span className="small muted">to must be at least a minute after from</span>}
    </form>
  );
}
