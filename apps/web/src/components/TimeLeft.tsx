import { remaining } from '../lib/format';

export interface Estimate {
  remainingMs: number;
  finishAt: string;
  basis: string;
  detail: string;
}

/** A running job's estimated time remaining, with how it was estimated on hover; nothing without one. */
export function TimeLeft({ estimate, className }: { estimate: Estimate | null | undefined; className?: string }) {
  if (!estimate) return null;
  return (
    <span
      className={['time-left', className].filter(Boolean).join(' ')}
      title={estimate.detail}
      data-testid="time-left"
      data-basis={estimate.basis}
    >
      {remaining(estimate.remainingMs)}
    </span>
  );
}
