import { stateLabel, toneOf } from '../lib/states';

/** The colours of the job states, which flow nodes and activity steps borrow for states of their own. */
export type StateTone = 'waiting' | 'active' | 'delayed' | 'completed' | 'failed' | 'cancelled';

/** A state as a coloured pill that always carries its name: a job's, or a node's or step's in a job's colours. */
export function ToneBadge({
  tone,
  state,
  label,
  testId,
  large = false,
}: {
  tone: string;
  /** Its `data-state`, for tests and styles; left out where the row around it carries it. */
  state?: string;
  label: string;
  testId?: string;
  large?: boolean;
}) {
  return (
    <span className={`badge tone-${tone}${large ? ' badge-large' : ''}`} data-testid={testId} data-state={state}>
      <span className="badge-dot" aria-hidden="true" />
      {label}
    </span>
  );
}

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
  return <ToneBadge tone={toneOf(state)} state={state} label={stateLabel(state)} testId={testId} large={large} />;
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
