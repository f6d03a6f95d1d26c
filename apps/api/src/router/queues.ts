import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import {
  cancelJob,
  ControlError,
  jobsQuery,
  listJobIds,
  queueCli,
  queueName,
  queueStatus,
  setQueuePaused,
} from '@jobdeck/workflows/control';
import { FINAL_STATES } from '@jobdeck/workflows';
import { knownQueues } from '../jobs/read';
import type { Services } from '../services';
import { adminProcedure, operatorProcedure, router, viewerProcedure } from '../trpc';

/** Waiting and delayed jobs of a queue, from Temporal: what drain cancels. */
function waitingJobIds(services: Services, queue: string): Promise<string[]> {
  return listJobIds(
    services,
    `${jobsQuery({ queue })} AND ExecutionStatus='Running' AND JobState IN ('waiting','delayed')`,
  );
}

const cleanInput = z
  .object({
    queue: queueName,
    /** Records of jobs that finished longer ago than this are removed. */
    olderThanHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 3650),
    states: z
      .array(z.enum(FINAL_STATES))
      .min(1)
      .default(['completed', 'failed', 'cancelled', 'terminated', 'timed_out']),
  })
  .strict();

function cleanWhere(input: z.output<typeof cleanInput>) {
  return {
    queue: input.queue,
    state: { in: input.states },
    finishedAt: { lt: new Date(Date.now() - input.olderThanHours * 3_600_000) },
  };
}

export const queuesRouter = router({
  /** Every known queue with its paused state (from Temporal), its workers and its counts. */
  list: viewerProcedure.query(async ({ ctx }) => {
    const names = await knownQueues(ctx.services);
    return Promise.all(
      names.map(async (name) => {
        const status = await queueStatus(ctx.services, name).catch(() => ({
          name,
          paused: false,
          reason: null,
          changedAt: null,
        }));
        return { ...status, cli: queueCli.status(name) };
      }),
    );
  }),

  /** No job of the queue starts until it is resumed; running jobs finish their current step; enqueue still works. */
  pause: operatorProcedure
    .input(z.object({ queue: queueName, note: z.string().trim().max(300).optional() }).strict())
    .mutation(({ ctx, input }) => setQueuePaused(ctx.services, input.queue, true, ctx.principal.name, input.note)),

  resume: operatorProcedure
    .input(z.object({ queue: queueName }).strict())
    .mutation(({ ctx, input }) => setQueuePaused(ctx.services, input.queue, false, ctx.principal.name)),

  drainPreview: adminProcedure.input(z.object({ queue: queueName }).strict()).query(async ({ ctx, input }) => {
    const ids = await waitingJobIds(ctx.services, input.queue);
    return { queue: input.queue, count: ids.length, sample: ids.slice(0, 20) };
  }),

  /** Cancels every job of the queue that has not started. */
  drain: adminProcedure.input(z.object({ queue: queueName }).strict()).mutation(async ({ ctx, input }) => {
    const ids = await waitingJobIds(ctx.services, input.queue);
    const counts = { cancelled: 0, skipped: 0, failed: 0 };
    for (const id of ids) {
      try {
        await cancelJob(ctx.services, id, ctx.principal);
        counts.cancelled++;
      } catch (error) {
        counts[error instanceof ControlError && error.code !== 'SERVICE_UNAVAILABLE' ? 'skipped' : 'failed']++;
      }
    }
    return { queue: input.queue, total: ids.length, ...counts };
  }),

  cleanPreview: adminProcedure.input(cleanInput).query(async ({ ctx, input }) => ({
    queue: input.queue,
    count: await ctx.services.db.job.count({ where: cleanWhere(input) }),
  })),

  /** Removes the records (and logs) of finished jobs older than the given age; Temporal's own retention handles its history. */
  clean: adminProcedure.input(cleanInput).mutation(async ({ ctx, input }) => {
    const { count } = await ctx.services.db.job.deleteMany({ where: cleanWhere(input) });
    if (count === 0 && !(await ctx.services.db.job.count({ where: { queue: input.queue } }))) {
      throw new TRPCError({ code: 'NOT_FOUND', message: `no jobs in queue ${input.queue}` });
    }
    return { queue: input.queue, deleted: count };
  }),
});
