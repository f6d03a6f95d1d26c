/**
 * What a user sees. Running workflows carry one of the live states in the JobState search
 * attribute, kept up to date by the workflow; closed workflows are read from Temporal's
 * ExecutionStatus, since a terminated or timed-out workflow cannot write anything itself.
 */
export const LIVE_STATES = ['waiting', 'delayed', 'active', 'retrying'] as const;
export const FINAL_STATES = ['completed', 'failed', 'cancelled', 'terminated', 'timed_out'] as const;
export const JOB_STATES = [...LIVE_STATES, ...FINAL_STATES] as const;

export type LiveJobState = (typeof LIVE_STATES)[number];
export type FinalJobState = (typeof FINAL_STATES)[number];

/** A closed Temporal execution's status (its ExecutionStatus name) as the job state it ended in. */
export const CLOSED_EXECUTION_STATES: Readonly<Record<string, FinalJobState>> = {
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed_out',
};
export type JobState = (typeof JOB_STATES)[number];

/**
 * Where the workflow shell's own activities (records, rate-limit slots) run: every worker polls it,
 * and it is never paused, so a job in a paused queue can still be cancelled and recorded.
 */
export const BOOKKEEPING_QUEUE = 'jobdeck-bookkeeping';

/**
 * The workflow shell's version, carried in every envelope started since the lean shell; jobs without
 * it either replay the first shell or, if new (a Schedule created before), take the patch below.
 */
export const LEAN_SHELL = 2;
export const LEAN_SHELL_PATCH = 'jobdeck-lean-shell';

/** A queue (Temporal task queue) name: what the API accepts, the worker polls and schedules name. */
export const QUEUE_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const QUEUE_NAME_RULE = 'queue is lower case letters, digits and . _ - (at most 64)';

export const PRIORITIES = ['critical', 'high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Temporal's priority key: 1 runs first; 3 is the server's default. */
export const PRIORITY_KEYS: Record<Priority, number> = { critical: 1, high: 2, normal: 3, low: 4 };

export function priorityFromKey(key: number): Priority {
  return (Object.entries(PRIORITY_KEYS).find(([, value]) => value === key)?.[0] as Priority | undefined) ?? 'normal';
}
