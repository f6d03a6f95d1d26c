import { z } from 'zod';
import { FINAL_STATES } from '@jobdeck/workflows';
import { queueName, setQueuePaused } from '@jobdeck/workflows/control';
import { cleanQueue, drainQueue, listQueues, previewClean, previewDrain } from '../queues/service';
import { adminProcedure, operatorProcedure, router, viewerProcedure } from '../trpc';

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
      .default([...FINAL_STATES]),
  })
  .strict();

const queueInput = z.object({ queue: queueName }).strict();

export const queuesRouter = router({
  /** Every known queue with its paused state (from Temporal), its workers and its counts. */
  list: viewerProcedure.query(({ ctx }) => listQueues(ctx.services)),

  /** No job of the queue starts until it is resumed; running jobs finish their current step; enqueue still works. */
  pause: operatorProcedure
    .input(z.object({ queue: queueName, note: z.string().trim().max(300).optional() }).strict())
    .mutation(({ ctx, input }) => setQueuePaused(ctx.services, input.queue, true, ctx.principal.name, input.note)),

  resume: operatorProcedure
    .input(queueInput)
    .mutation(({ ctx, input }) => setQueuePaused(ctx.services, input.queue, false, ctx.principal.name)),

  drainPreview: adminProcedure.input(queueInput).query(({ ctx, input }) => previewDrain(ctx.services, input.queue)),

  /** Cancels every job of the queue that has not started. */
  drain: adminProcedure
    .input(queueInput)
    .mutation(({ ctx, input }) => drainQueue(ctx.services, input.queue, ctx.principal)),

  cleanPreview: adminProcedure.input(cleanInput).query(({ ctx, input }) => previewClean(ctx.services, input)),

  /** Removes the records (and logs) of finished jobs older than the given age; Temporal's own retention handles its history. */
  clean: adminProcedure.input(cleanInput).mutation(({ ctx, input }) => cleanQueue(ctx.services, input)),
});
