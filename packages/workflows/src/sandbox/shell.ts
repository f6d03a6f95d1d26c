// Runs inside Temporal's deterministic workflow sandbox: import only @temporalio/workflow and types.
import {
  ActivityCancellationType,
  isCancellation,
  patched,
  proxyLocalActivities,
  proxyActivities,
  proxySinks,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { BookkeepingActivities } from '../runtime/bookkeeping';
import type { JobEnvelope } from '../runtime/envelope';
import type { JobRecordSinks } from '../runtime/records/sinks';
import { LEAN_SHELL, LEAN_SHELL_PATCH, PRIORITY_KEYS } from '../runtime/states';
import { runLegacyJob } from './legacy-shell';
import { beginRun, rootCause, waitForRateLimitSlot } from './signals';

export { attemptSignal, stateQuery, type AttemptUpdate, type JobSnapshot } from './signals';

const { jobRecords } = proxySinks<JobRecordSinks>();

// A rate-limit slot is one SQL statement in the worker that runs the workflow: local, so it costs
// no activity task; it retries while Postgres is away (the job cannot know whether it may start).
const rateLimits = proxyLocalActivities<Pick<BookkeepingActivities, 'takeRateLimitSlot'>>({
  startToCloseTimeout: '10 seconds',
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

/**
 * The shell every job workflow runs its work in. It adds nothing to the job's history but what users
 * see: the record is handed to the worker through sinks (no event, no action), the JobState search
 * attribute turns `active` when the worker's interceptor says an attempt has been running for a while
 * (a job shorter than that goes from waiting straight to its end) and `retrying` when an attempt
 * failed and will be retried. A closed job's state is Temporal's own ExecutionStatus.
 */
export async function runJob<Result>(
  envelope: JobEnvelope,
  work: () => Promise<Result>,
  summarize: (result: Result) => string = () => '',
): Promise<Result> {
  // Jobs started by the first shell replay it; every job started since carries the version in its
  // envelope, and a Schedule created before then is told apart by a patch marker, once per run.
  if (envelope.shell !== LEAN_SHELL && !patched(LEAN_SHELL_PATCH)) return runLegacyJob(envelope, work, summarize);

  const { job, runId, snapshot } = beginRun(envelope, false);
  jobRecords.started(job, runId);

  try {
    if (job.rateLimit) await waitForRateLimitSlot(rateLimits.takeRateLimitSlot, job.rateLimit, snapshot);
    const result = await work();
    snapshot.state = 'completed';
    jobRecords.finished(job.jobId, { state: 'completed', result, summary: summarize(result) });
    return result;
  } catch (error) {
    if (isCancellation(error)) {
      snapshot.state = 'cancelled';
      jobRecords.finished(job.jobId, { state: 'cancelled', reason: 'cancelled by request' });
      throw error;
    }
    const cause = rootCause(error);
    snapshot.state = 'failed';
    snapshot.lastFailure = cause.message;
    jobRecords.finished(job.jobId, {
      state: 'failed',
      error: cause.message,
      stack: cause.stack,
      errorType: cause.type,
      stopped: cause.stopped,
    });
    throw error;
  }
}
