// Runs inside Temporal's deterministic workflow sandbox: import only @temporalio/workflow and types.
//
// The first shell, kept exactly as it was so that jobs it started replay and finish on today's
// workers: every command it issues, in the same order. Remove it once no job started before
// the lean shell is open (`temporal workflow count --query "ExecutionStatus='Running' AND TemporalChangeVersion IS NULL"`
// counts some too many; see the README on patching).
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  log,
  proxyActivities,
} from '@temporalio/workflow';
import type { BookkeepingActivities } from '../runtime/bookkeeping';
import { BOOKKEEPING_REJECTED } from '../runtime/bookkeeping-errors';
import type { JobEnvelope } from '../runtime/envelope';
import { plainOutcome, type JobOutcome } from '../runtime/records/sinks';
import { BOOKKEEPING_QUEUE } from '../runtime/states';
import { beginRun, rootCause, setState, waitForRateLimitSlot } from './signals';

// Bookkeeping must land eventually, so it retries without limit while Postgres is away.
const bookkeeping = proxyActivities<BookkeepingActivities>({
  taskQueue: BOOKKEEPING_QUEUE,
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

function isBookkeepingRejected(error: unknown): error is ActivityFailure {
  return (
    error instanceof ActivityFailure &&
    error.cause instanceof ApplicationFailure &&
    error.cause.type === BOOKKEEPING_REJECTED
  );
}

async function recordEnd(jobId: string, outcome: JobOutcome): Promise<void> {
  try {
    await bookkeeping.recordJobFinished(jobId, outcome);
  } catch (error) {
    if (!isBookkeepingRejected(error)) throw error;
    await bookkeeping
      .recordJobFinished(jobId, plainOutcome(outcome))
      .catch((second: unknown) => log.error('the end of the job was not recorded', { jobId, error: String(second) }));
  }
}

export async function runLegacyJob<Result>(
  envelope: JobEnvelope,
  work: () => Promise<Result>,
  summarize: (result: Result) => string,
): Promise<Result> {
  const { job, runId, snapshot } = beginRun(envelope, true);

  try {
    await bookkeeping.recordJobStarted(job, runId);
  } catch (error) {
    if (isBookkeepingRejected(error))
      throw ApplicationFailure.nonRetryable(
        `the job cannot be recorded, so it was not run: ${error.cause?.message}`,
        BOOKKEEPING_REJECTED,
      );
    throw error;
  }
  try {
    if (job.rateLimit) await waitForRateLimitSlot(bookkeeping.takeRateLimitSlot, job.rateLimit, snapshot);
    const result = await work();
    snapshot.state = 'completed';
    setState('completed');
    await recordEnd(job.jobId, { state: 'completed', result, summary: summarize(result) });
    return result;
  } catch (error) {
    if (isCancellation(error)) {
      snapshot.state = 'cancelled';
      setState('cancelled');
      await CancellationScope.nonCancellable(() =>
        recordEnd(job.jobId, { state: 'cancelled', reason: 'cancelled by request' }),
      );
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
