import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { Db } from '@jobdeck/db';
import { attemptSignal, findJobType, recordableText, type AttemptUpdate, type EventBus } from '@jobdeck/workflows';
import { BOOKKEEPING_ACTIVITIES } from '@jobdeck/workflows/activities';

/**
 * Activity retries happen inside Temporal, out of the workflow's sight. This interceptor tells the
 * job record and the workflow (which keeps the JobState search attribute) when an attempt fails and
 * will be retried, and when an attempt starts, so "active" and "retrying" are states people can see
 * and query, and a job held back by a paused queue or a rate limit does not look active.
 */
export function attemptTracking(deps: { db: Db; events: EventBus; client: Client }): ActivityInterceptorsFactory {
  return () => ({
    inbound: {
      async execute(input, next) {
        const { info } = Context.current();
        const jobId = info.workflowExecution?.workflowId;
        if (!jobId || BOOKKEEPING_ACTIVITIES.has(info.activityType)) return next(input);

        const now = new Date();
        await deps.db.job
          .updateMany({ where: { id: jobId }, data: { attempts: info.attempt, state: 'active', lastHeartbeatAt: now } })
          .catch(() => undefined);
        // startedAt is when work first began, which a paused queue or a rate limit may hold back.
        await deps.db.job.updateMany({ where: { id: jobId, startedAt: null }, data: { startedAt: now } }).catch(() => undefined);
        await signal(deps.client, jobId, { state: 'active', attempt: info.attempt, activity: info.activityType });
        await deps.events.publish({ kind: 'job.updated', jobId, state: 'active', attempt: info.attempt, at: now.toISOString() });
        try {
          return await next(input);
        } catch (error) {
          await recordFailure(deps, jobId, info.attempt, info.activityType, error).catch(() => undefined);
          throw error;
        }
      },
    },
  });
}

async function recordFailure(deps: { db: Db; events: EventBus; client: Client }, jobId: string, attempt: number, activity: string, error: unknown) {
  if (error instanceof CancelledFailure || Context.current().cancellationSignal.aborted) return;
  const job = await deps.db.job.findUnique({ where: { id: jobId }, select: { maxAttempts: true, type: true } });
  if (!job) return;
  // What an attempt failed with may quote anything (a URL with a token, a receiver's bytes).
  const thrown = error as Error;
  const failure = { message: recordableText(String(thrown.message)), stack: thrown.stack ? recordableText(thrown.stack) : null, name: thrown.name };
  const type = error instanceof ApplicationFailure ? error.type : undefined;
  const nonRetryable =
    (error instanceof ApplicationFailure && error.nonRetryable) || (type && findJobType(job.type)?.nonRetryableErrors?.includes(type));
  const willRetry = !nonRetryable && attempt < job.maxAttempts;
  await deps.db.job.updateMany({
    where: { id: jobId },
    data: { error: failure.message, errorStack: failure.stack, ...(willRetry ? { state: 'retrying' } : {}) },
  });
  await deps.db.jobLog.create({
    data: {
      jobId,
      attempt,
      level: willRetry ? 'warn' : 'error',
      message: `attempt ${attempt} of ${job.maxAttempts} failed${willRetry ? ', will retry' : ''}: ${failure.message}`,
      data: { activity, errorType: type ?? failure.name },
    },
  });
  if (willRetry) {
    await signal(deps.client, jobId, { state: 'retrying', attempt, activity, error: failure.message });
    await deps.events.publish({ kind: 'job.updated', jobId, state: 'retrying', attempt, at: new Date().toISOString() });
  }
}

async function signal(client: Client, jobId: string, update: AttemptUpdate) {
  // The workflow may have closed meanwhile; the record already says what happened.
  await client.workflow.getHandle(jobId).signal(attemptSignal, update).catch(() => undefined);
}
