import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { attemptSignal, recordableText, type AttemptUpdate, type JobRecorder } from '@jobdeck/workflows';
import { BOOKKEEPING_ACTIVITIES } from '@jobdeck/workflows/activities';

export interface AttemptTrackingOptions {
  records: JobRecorder;
  client: Client;
  /**
   * How long an attempt runs before the workflow is told (a signal, then a JobState upsert: two billed
   * Temporal actions and five history events). Shorter jobs end before it and cost none of that; the
   * record and the live events say `active` at once either way. 0 tells every attempt at once.
   */
  activeSignalDelayMs: number;
}

/**
 * Activity retries happen inside Temporal, out of the workflow's sight. This interceptor writes the
 * job record when an attempt starts and fails, and tells the workflow (which keeps the JobState
 * search attribute) when an attempt has been running a while or will be retried, so `active` and
 * `retrying` are states people can query, and a job held back by a paused queue or a busy worker
 * pool still says `waiting`.
 */
export function attemptTracking({
  records,
  client,
  activeSignalDelayMs,
}: AttemptTrackingOptions): ActivityInterceptorsFactory {
  return () => ({
    inbound: {
      async execute(input, next) {
        const { info } = Context.current();
        const jobId = info.workflowExecution?.workflowId;
        if (!jobId || info.isLocal || BOOKKEEPING_ACTIVITIES.has(info.activityType)) return next(input);

        await records.attemptStarted(jobId, info.attempt, { queue: info.taskQueue });
        const tellActive = setTimeout(
          () => void signal(client, jobId, { state: 'active', attempt: info.attempt, activity: info.activityType }),
          activeSignalDelayMs,
        );
        try {
          return await next(input);
        } catch (error) {
          await recordFailure(records, client, jobId, error);
          throw error;
        } finally {
          clearTimeout(tellActive);
        }
      },
    },
  });
}

async function recordFailure(records: JobRecorder, client: Client, jobId: string, error: unknown): Promise<void> {
  const { info, cancellationSignal } = Context.current();
  if (error instanceof CancelledFailure || cancellationSignal.aborted) return;
  const thrown = error as Error;
  const type = error instanceof ApplicationFailure ? (error.type ?? undefined) : undefined;
  // The activity's own retry policy, as Temporal applies it: no read of the record is needed to know.
  const policy = info.retryPolicy;
  const maxAttempts = policy?.maximumAttempts ?? 0;
  const nonRetryable =
    (error instanceof ApplicationFailure && error.nonRetryable) ||
    Boolean(type && policy?.nonRetryableErrorTypes?.includes(type));
  const willRetry = !nonRetryable && (maxAttempts === 0 || info.attempt < maxAttempts);
  await records.attemptFailed(
    jobId,
    {
      attempt: info.attempt,
      maxAttempts,
      activity: info.activityType,
      message: String(thrown?.message ?? error),
      stack: thrown?.stack,
      errorType: type ?? thrown?.name,
      willRetry,
    },
    { queue: info.taskQueue },
  );
  if (willRetry)
    void signal(client, jobId, {
      state: 'retrying',
      attempt: info.attempt,
      activity: info.activityType,
      error: recordableText(String(thrown?.message ?? error)).slice(0, 500),
    });
}

async function signal(client: Client, jobId: string, update: AttemptUpdate): Promise<void> {
  // The workflow may have closed meanwhile; the record already says what happened.
  await client.workflow
    .getHandle(jobId)
    .signal(attemptSignal, update)
    .catch(() => undefined);
}
