import type { ActivityDeps } from './activity-deps';
import type { JobEnvelope } from './envelope';
import { redactSecrets } from './redact';
import { PRIORITY_KEYS } from './states';

export type JobOutcome =
  | { state: 'completed'; result: unknown; summary?: string }
  | { state: 'failed'; error: string; stack?: string; errorType?: string }
  | { state: 'cancelled'; reason: string };

/**
 * Activities the workflow shell runs around every job, to keep the Postgres record in step
 * with Temporal. They are idempotent: Temporal may run them more than once.
 */
export function bookkeepingActivities({ db, events }: ActivityDeps) {
  return {
    /** Also creates the record when the API could not (Postgres was briefly away at enqueue). */
    async recordJobStarted(job: JobEnvelope, runId: string): Promise<void> {
      const now = new Date();
      await db.job.upsert({
        where: { id: job.jobId },
        create: {
          id: job.jobId,
          runId,
          type: job.type,
          queue: job.queue,
          priority: PRIORITY_KEYS[job.priority],
          state: 'active',
          input: (job.input ?? {}) as object,
          requestedBy: job.requestedBy,
          idempotencyKey: job.idempotencyKey,
          maxAttempts: job.retry.maxAttempts,
          timeoutMs: job.timeoutMs,
          createdAt: new Date(job.enqueuedAt),
          runAt: job.runAt ? new Date(job.runAt) : undefined,
          startedAt: now,
        },
        update: { runId, state: 'active' },
      });
      // startedAt is the first start only: a workflow replayed on another worker must not move it.
      await db.job.updateMany({ where: { id: job.jobId, startedAt: null }, data: { startedAt: now } });
      await events.publish({ kind: 'job.updated', jobId: job.jobId, state: 'active', at: now.toISOString() });
    },

    async recordJobFinished(jobId: string, outcome: JobOutcome): Promise<void> {
      const now = new Date();
      const data =
        outcome.state === 'completed'
          ? {
              state: 'completed' as const,
              result: redactSecrets(outcome.result ?? null) as object,
              resultSummary: outcome.summary ?? null,
              progressPercent: 100,
              error: null,
              errorStack: null,
            }
          : outcome.state === 'failed'
            ? { state: 'failed' as const, error: outcome.error, errorStack: outcome.stack ?? null }
            : { state: 'cancelled' as const, error: outcome.reason };
      await db.job.updateMany({ where: { id: jobId }, data: { ...data, finishedAt: now } });
      const message =
        outcome.state === 'completed'
          ? `completed${outcome.summary ? `: ${outcome.summary}` : ''}`
          : outcome.state === 'failed'
            ? `failed: ${outcome.error}`
            : `cancelled: ${outcome.reason}`;
      const level = outcome.state === 'completed' ? 'info' : outcome.state === 'failed' ? 'error' : 'warn';
      await db.jobLog.create({ data: { jobId, level, message } }).catch(() => undefined);
      await events.publish({ kind: 'job.updated', jobId, state: outcome.state, at: now.toISOString() });
    },
  };
}

export type BookkeepingActivities = ReturnType<typeof bookkeepingActivities>;
