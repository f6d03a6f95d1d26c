import type { JobState } from '../runtime/states';

/** Temporal visibility's name for each closed status, in queries. */
const STATUS_OF: Record<Exclude<JobState, 'waiting' | 'delayed' | 'active' | 'retrying'>, string> = {
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Canceled',
  terminated: 'Terminated',
  timed_out: 'TimedOut',
};

/** Quotes a value for a visibility query; values come from validated enums and names, never free text. */
export function quote(value: string): string {
  if (!/^[\w.:@+-]*$/.test(value)) throw new Error(`refusing to put ${JSON.stringify(value)} in a visibility query`);
  return `'${value}'`;
}

/**
 * The visibility query for one state. These are exactly what an operator can paste into
 * `temporal workflow list --query …` to see what the dashboard counts.
 */
export function stateClause(state: JobState): string {
  if (state in STATUS_OF) return `ExecutionStatus=${quote(STATUS_OF[state as keyof typeof STATUS_OF])}`;
  return `ExecutionStatus='Running' AND JobState=${quote(state)}`;
}

/** The overview's groups of states; clicking a count lists its bucket. */
export const BUCKET_STATES = {
  waiting: ['waiting'],
  active: ['active'],
  delayed: ['delayed', 'retrying'],
  completed: ['completed'],
  failed: ['failed', 'timed_out', 'terminated'],
  cancelled: ['cancelled'],
} as const satisfies Record<string, readonly JobState[]>;
export type Bucket = keyof typeof BUCKET_STATES;

/** One clause for several states, e.g. a bucket: `(… OR …)`. */
export function statesClause(states: readonly JobState[]): string {
  return states.length === 1
    ? stateClause(states[0]!)
    : `(${states.map((state) => `(${stateClause(state)})`).join(' OR ')})`;
}

export interface JobFilter {
  state?: JobState;
  bucket?: Bucket;
  type?: string;
  queue?: string;
  /** Started at or after / before these instants (ISO 8601). */
  from?: string;
  to?: string;
  /** Runs of this Temporal Schedule (Temporal's built-in TemporalScheduledById). */
  scheduleId?: string;
}

/**
 * Every Jobdeck workflow has a JobType; other workflows in the namespace are not jobs. No ORDER BY:
 * SQL visibility refuses it, and its own order (running first, then most recently closed) is the one wanted.
 */
export function jobsQuery(filter: JobFilter): string {
  const clauses = ['JobType IS NOT NULL'];
  if (filter.type) clauses.push(`JobType=${quote(filter.type)}`);
  if (filter.queue) clauses.push(`TaskQueue=${quote(filter.queue)}`);
  if (filter.state) clauses.push(stateClause(filter.state));
  if (filter.bucket) clauses.push(statesClause(BUCKET_STATES[filter.bucket]));
  if (filter.from) clauses.push(`StartTime >= ${quote(new Date(filter.from).toISOString())}`);
  if (filter.to) clauses.push(`StartTime <= ${quote(new Date(filter.to).toISOString())}`);
  if (filter.scheduleId) clauses.push(`TemporalScheduledById=${quote(filter.scheduleId)}`);
  return clauses.join(' AND ');
}
