import { Context } from '@temporalio/activity';
import type { ActivityDeps } from './activity-deps';
import type { JobEnvelope } from './envelope';
import { endLifecycle } from './events';
import { recordWrite } from './bookkeeping-errors';
import { toStorable } from './storable';
import type { JobOutcome } from './records/sinks';
import { recordOfEnvelope } from './records/statements';
import { endData, endLogLine } from './records/outcome';
import { prepareChildJobActivity } from '../flows/prepare-child';

export type { JobOutcome };

/**
 * The rate-limit slot (a local activity of today's shell) and the record activities the first shell
 * ran around every job (kept for its jobs still open), to keep the Postgres record in step
 * with Temporal. They are idempotent: Temporal may run them more than once.
 */
export function bookkeepingActivities(deps: ActivityDeps) {
  const { db, events, records } = deps;
  return {
    /**
     * Checks and builds a child job's start (a flow's node, runChildJob): on the parent's own task
     * queue, left out of the parent's steps and attempts as the rest of the bookkeeping is.
     */
    prepareChildJob: prepareChildJobActivity(deps),

    /** Also creates the record when the API could not (Postgres was briefly away at enqueue). */
    async recordJobStarted(started: JobEnvelope, runId: string): Promise<void> {
      // The API refuses what Postgres cannot hold; a job started around the API is recorded as near as it can be.
      const job = toStorable(started);
      const now = new Date();
      await recordWrite('recordJobStarted', () =>
        db.job.upsert({
          where: { id: job.jobId },
          create: recordOfEnvelope(job, runId),
          // Active, and startedAt, come from the worker when the job's first activity starts.
          update: { runId },
        }),
      );
      await events.publish({ kind: 'job.updated', jobId: job.jobId, at: now.toISOString() });
    },

    /**
     * Counts a start against the key's current fixed window in Postgres (one atomic statement, so
     * every worker shares the count); 0 when the job may start, else how long to wait for the next window.
     */
    async takeRateLimitSlot(key: string, limit: number, intervalMs: number): Promise<number> {
      const now = Date.now();
      const windowStart = new Date(Math.floor(now / intervalMs) * intervalMs);
      const rows = await db.$queryRaw<Array<{ count: number }>>`
        INSERT INTO "RateLimitWindow" ("key", "windowStart", "count") VALUES (${key}, ${windowStart}, 1)
        ON CONFLICT ("key", "windowStart") DO UPDATE SET "count" = "RateLimitWindow"."count" + 1
        WHERE "RateLimitWindow"."count" < ${limit}
        RETURNING "count"`;
      if (rows.length > 0) return 0;
      const waitMs = windowStart.getTime() + intervalMs - now + 1;
      const jobId = Context.current().info.workflowExecution?.workflowId;
      if (jobId)
        await records.log(
          jobId,
          'info',
          `rate limit ${key}: ${limit} starts per ${intervalMs} ms reached; waiting ${waitMs} ms`,
          0,
        );
      return waitMs;
    },

    /** `outcome` is made storable here: a result or error text from outside may hold anything. */
    async recordJobFinished(jobId: string, given: JobOutcome): Promise<void> {
      const now = new Date();
      const outcome = toStorable(given);
      const data = endData(outcome);
      await recordWrite('recordJobFinished', () =>
        db.job.updateMany({ where: { id: jobId }, data: { ...data, finishedAt: now } }),
      );
      const { level, message } = endLogLine(outcome, data.error);
      await db.jobLog.create({ data: { jobId, level, message } }).catch(() => undefined);
      const lifecycle = endLifecycle(outcome.state);
      await events
        .publish({
          kind: 'job.updated',
          jobId,
          state: outcome.state,
          ...(lifecycle ? { lifecycle } : {}),
          at: now.toISOString(),
        })
        .catch(() => undefined);
    },
  };
}

export type BookkeepingActivities = ReturnType<typeof bookkeepingActivities>;
