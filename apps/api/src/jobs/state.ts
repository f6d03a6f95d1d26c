import { CLOSED_EXECUTION_STATES, LIVE_STATES, type JobState, type LiveJobState } from '@jobdeck/workflows';

/** Temporal's execution statuses, as the SDK names them. */
export type ExecutionStatus =
  'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TERMINATED' | 'TIMED_OUT' | 'CONTINUED_AS_NEW' | 'UNSPECIFIED';

export interface PendingActivityView {
  activityType: string;
  /** SCHEDULED: waiting for a worker (or for its retry backoff); STARTED: running. */
  state: 'SCHEDULED' | 'STARTED' | 'CANCEL_REQUESTED' | 'PAUSED' | 'UNKNOWN';
  attempt: number;
  maximumAttempts: number;
  lastFailure: string | null;
  lastHeartbeatAt: string | null;
  lastStartedAt: string | null;
  nextAttemptAt: string | null;
}

const LIVE = new Set<string>(LIVE_STATES);

/**
 * A job's state from what Temporal knows: a closed execution says it outright; a running one is
 * what its workflow last wrote to the JobState search attribute, sharpened, when the caller has
 * described the execution, by its pending activities (a retry waiting out its backoff is
 * `retrying`, whatever the attribute says).
 */
export function deriveJobState(input: {
  status: ExecutionStatus;
  jobStateAttribute?: string | null;
  pendingActivities?: PendingActivityView[];
  /** When the workflow may start: in the future for a job enqueued with a delay. */
  executionTime?: Date | null;
  /** When it was started (enqueued): with executionTime, tells a job that had a start delay. */
  startTime?: Date | null;
  now?: Date;
}): JobState {
  const closed = CLOSED_EXECUTION_STATES[input.status];
  if (closed) return closed;
  const now = input.now ?? new Date();
  if (input.executionTime && input.executionTime > now) return 'delayed';
  const pending = input.pendingActivities ?? [];
  if (pending.some((activity) => activity.state === 'SCHEDULED' && activity.attempt > 1)) return 'retrying';
  if (pending.some((activity) => activity.state === 'STARTED')) return 'active';
  const attribute = input.jobStateAttribute ?? 'waiting';
  if (LIVE.has(attribute)) {
    // `delayed` is what enqueue wrote for a start delay, left behind once the delay has run out: the
    // job is waiting. Without a start delay, the workflow itself wrote it: it waits for a rate-limit slot.
    if (attribute === 'delayed') return hadStartDelay(input) ? 'waiting' : 'delayed';
    return attribute as LiveJobState;
  }
  // The workflow wrote a final state and is finishing its bookkeeping.
  return 'active';
}

/** Temporal sets a start delay's end as the execution time; without one, the execution time is the start time. */
function hadStartDelay({
  executionTime,
  startTime,
}: {
  executionTime?: Date | null;
  startTime?: Date | null;
}): boolean {
  if (!executionTime || !startTime) return true; // not known: as before, a lingering `delayed` reads as waiting
  return executionTime.getTime() - startTime.getTime() > 1_000;
}

/** The five counts of the overview, and the bucket each state falls in. */
export const STAT_BUCKETS = ['waiting', 'active', 'delayed', 'completed', 'failed'] as const;
export type StatBucket = (typeof STAT_BUCKETS)[number];

export function bucketOf(state: JobState): StatBucket | 'cancelled' {
  switch (state) {
    case 'retrying':
      return 'delayed';
    case 'timed_out':
    case 'terminated':
      return 'failed';
    default:
      return state;
  }
}
