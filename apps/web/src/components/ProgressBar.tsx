import './ProgressBar.css';
interface Props {
  percent: number | null | undefined;
  state?: string;
  label?: string;
  testId?: string;
  compact?: boolean;
}

/** A progress bar that states its value in text as well as in width. */
export function ProgressBar({ percent, state, label, testId, compact = false }: Props) {
  const value = Math.max(0, Math.min(100, percent ?? 0));
  const shown = Math.floor(value);
  return (
    <div className={`progress${compact ? ' progress-compact' : ''}`} data-testid={testId} data-percent={shown}>
      <div
        className={`progress-track${state ? ` progress-${state}` : ''}`}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={shown}
        aria-label={label ?? 'progress'}
      >
        <div className="progress-fill" style={{ width: `${value}%` }} />
      </div>
      <span className="progress-text">{percent === null || percent === undefined ? '—' : `${shown}%`}</span>
    </div>
  );
}
