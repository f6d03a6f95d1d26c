// Runs inside Temporal's deterministic workflow sandbox: import only @temporalio/workflow and types.
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  defineQuery,
  defineSignal,
  isCancellation,
  log,
  proxyActivities,
  sleep,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { BookkeepingActivities, JobOutcome } from './bookkeeping';
import { BOOKKEEPING_REJECTED } from './bookkeeping-errors';
import type { JobEnvelope } from './envelope';
import { JobStateKey } from './search-attributes';
import { BOOKKEEPING_QUEUE, PRIORITY_KEYS, type JobState } from './states';

export interface AttemptUpdate {
  state: 'active' | 'retrying';
  attempt: number;
  activity: string;
  error?: string;
  nextRetryInMs?: number;
}

export interface JobSnapshot {
  state: JobState;
  attempt: number;
  lastFailure?: string;
}

/** Sent by the worker's activity interceptor when an attempt fails or a retry starts. */
export const attemptSignal = defineSignal<[AttemptUpdate]>('jobdeck.attempt');
/** `temporal workflow query --type jobdeck.state` shows the job's live state from the CLI. */
export const stateQuery = defineQuery<JobSnapshot>('jobdeck.state');

// Bookkeeping must land eventually, so it retries without limit while Postgres is away.
const bookkeeping = proxyActivities<BookkeepingActivities>({
  taskQueue: BOOKKEEPING_QUEUE,
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/** The job's own activities, with the retry policy the job was enqueued with. */
export function jobActivities<A extends object>(job: JobEnvelope): A {
  const options: ActivityOptions = {
    startToCloseTimeout: job.activity.startToCloseMs,
    heartbeatTimeout: job.activity.heartbeatMs,
    // A cancelled job waits for its activity to clean up and acknowledge.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    // Said explicitly rather than inherited: a job's priority orders its activities on a busy queue.
    priority: { priorityKey: PRIORITY_KEYS[job.priority] },
    retry: {
      maximumAttempts: job.retry.maxAttempts,
      initialInterval: job.retry.initialIntervalMs,
      backoffCoefficient: job.retry.backoffCoefficient,
      maximumInterval: job.retry.maximumIntervalMs,
      nonRetryableErrorTypes: job.activity.nonRetryableErrors,
    },
  };
  return proxyActivities<A>(options) as A;
}

const LIVE: JobState[] = ['waiting', 'delayed', 'active', 'retrying'];

/** Takes a start slot of the job's rate-limit key, sleeping (durably) until a window has room. */
async function waitForRateLimitSlot(limit: NonNullable<JobEnvelope['rateLimit']>, snapshot: JobSnapshot): Promise<void> {
  for (;;) {
    const waitMs = await bookkeeping.takeRateLimitSlot(limit.key, limit.limit, limit.intervalMs);
    if (waitMs === 0) return;
    if (snapshot.state !== 'delayed') {
      snapshot.state = 'delayed';
      setState('delayed');
    }
    await sleep(waitMs);
  }
}

/** A record write the database refused as such: retrying cannot help (Postgres away is retried instead). */
function isBookkeepingRejected(error: unknown): error is ActivityFailure {
  return error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type === BOOKKEEPING_REJECTED;
}

/**
 * Records the end; if the database refuses what the job produced (its result or error text), the end
 * is recorded without it. The job's outcome in Temporal is the work's, whatever the record says.
 */
async function recordEnd(jobId: string, outcome: JobOutcome): Promise<void> {
  try {
    await bookkeeping.recordJobFinished(jobId, outcome);
  } catch (error) {
    if (!isBookkeepingRejected(error)) throw error;
    const plain: JobOutcome =
      outcome.state === 'completed'
        ? { state: 'completed', result: null, summary: 'completed; its result could not be stored' }
        : outcome.state === 'failed'
          ? { state: 'failed', error: 'failed; its error message could not be stored', errorType: outcome.errorType }
          : outcome;
    await bookkeeping.recordJobFinished(jobId, plain).catch((second: unknown) => log.error('the end of the job was not recorded', { jobId, error: String(second) }));
  }
}

function setState(state: JobState): void {
  upsertSearchAttributes([{ key: JobStateKey, value: state }]);
}

function rootCause(error: unknown): { message: string; stack?: string; type?: string } {
  let current: any = error;
  while (current?.cause) current = current.cause;
  return {
    message: String(current?.message ?? error),
    stack: typeof current?.stack === 'string' ? current.stack : undefined,
    type: current instanceof ApplicationFailure ? (current.type ?? undefined) : undefined,
  };
}

/**
 * The shell every job workflow runs its work in: it keeps the JobState search attribute and
 * the Postgres record up to date, and records the outcome whether the job succeeds, fails or is
 * cancelled, then lets Temporal see the same outcome.
 */
export async function runJob<Result>(
  envelope: JobEnvelope,
  work: () => Promise<Result>,
  summarize: (result: Result) => string = () => '',
): Promise<Result> {
  // The job id is the workflow id as Temporal knows it: a Schedule's runs get ids Temporal derives
  // (`<schedule id>-<time>`), which no envelope written in advance can carry.
  const info = workflowInfo();
  const job: JobEnvelope = { ...envelope, jobId: info.workflowId, enqueuedAt: envelope.enqueuedAt ?? info.startTime.toISOString() };
  const snapshot: JobSnapshot = { state: 'waiting', attempt: 1 };
  setHandler(stateQuery, () => snapshot);
  setHandler(attemptSignal, (update) => {
    snapshot.attempt = Math.max(snapshot.attempt, update.attempt);
    if (update.error) snapshot.lastFailure = update.error;
    if (LIVE.includes(snapshot.state)) {
      snapshot.state = update.state;
      setState(update.state);
    }
  });

  try {
    await bookkeeping.recordJobStarted(job, info.runId);
  } catch (error) {
    // A job whose record cannot exist would run unseen: it fails at once, visibly, instead of retrying forever.
    if (isBookkeepingRejected(error)) throw ApplicationFailure.nonRetryable(`the job cannot be recorded, so it was not run: ${error.cause?.message}`, BOOKKEEPING_REJECTED);
    throw error;
  }
  try {
    if (job.rateLimit) await waitForRateLimitSlot(job.rateLimit, snapshot);
    // The job turns active when a worker starts its first activity (the attempt signal): while its
    // queue is paused it keeps saying waiting, in the dashboard and in visibility queries alike.
    const result = await work();
    snapshot.state = 'completed';
    setState('completed');
    await recordEnd(job.jobId, { state: 'completed', result, summary: summarize(result) });
    return result;
  } catch (error) {
    if (isCancellation(error)) {
      snapshot.state = 'cancelled';
      setState('cancelled');
      await CancellationScope.nonCancellable(() => recordEnd(job.jobId, { state: 'cancelled', reason: 'cancelled by request' }));
      throw error;
    }
    const cause = rootCause(error);
    snapshot.state = 'failed';
    snapshot.lastFailure = cause.message;
    setState('failed');
    await recordEnd(job.jobId, { state: 'failed', error: cause.message, stack: cause.stack, errorType: cause.type });
    throw error;
  }
}
