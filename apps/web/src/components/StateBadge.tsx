import { stateLabel, toneOf } from '../lib/states';

/** A job state as a coloured pill that always carries the state's name. */
export function StateBadge({
  state,
  testId = 'state-badge',
  large = false,
}: {
  state: string;
  testId?: string;
  large?: boolean;
}) {
  return (
    <span
      className={`badge tone-${toneOf(state)}${large ? ' badge-large' : ''}`}
      data-testid={testId}
      data-state={state}
    >
      <span className="badge-dot" aria-hidden="true" />
      {stateLabel(state)}
    </span>
  );
}

/** A status that is not a job state: ok / warn / bad / idle, with its own words. */
export function StatusBadge({
  tone,
  children,
  testId,
  title,
}: {
  tone: 'ok' | 'warn' | 'bad' | 'idle' | 'info';
  children: React.ReactNode;
  testId?: string;
  title?: string;
}) {
  return (
    <span className={`badge status-${tone}`} data-testid={testId} data-tone={tone} title={title}>
      <span className="badge-dot" aria-hidden="true" />
      {children}
    </span>
  );
}
