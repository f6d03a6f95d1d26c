import { z } from 'zod';
import { JOB_STATES, jobTypes } from '@jobdeck/workflows';
import { enqueueJob, enqueueRequest, queueName } from '../jobs/enqueue';
import { getJob, listJobs } from '../jobs/read';
import { jobStats } from '../jobs/stats';
import {
  applyBulkItem,
  BUCKET_STATES,
  bulkRequest,
  cancelJob,
  jobIdSchema as jobId,
  resolveBulkTargets,
  retryChanges,
  retryJob,
  terminateJob,
  type Bucket,
} from '@jobdeck/workflows/control';
import { operatorProcedure, router, viewerProcedure } from '../trpc';

/** Selections up to this size are acted on at once, in the request; larger ones become a bulk.action job. */
const INLINE_BULK_LIMIT = 25;

export const jobsRouter = router({
  /** The catalogue: what can be enqueued, with a JSON Schema of each input and an example. */
  types: viewerProcedure.meta({ unredacted: 'the catalogue: field names of input schemas, no user data' }).query(() =>
    jobTypes.map((jobType) => ({
      type: jobType.type,
      description: jobType.description,
      queue: jobType.queue,
      workflowType: jobType.workflowType,
      retry: jobType.retry,
      example: jobType.example,
      inputSchema: z.toJSONSchema(jobType.input, { io: 'input', unrepresentable: 'any' }),
    })),
  ),

  enqueue: operatorProcedure
    .input(enqueueRequest)
    .mutation(({ ctx, input }) => enqueueJob(ctx.services, ctx.principal, input)),

  get: viewerProcedure
    .input(z.object({ id: jobId }).strict())
    .query(({ ctx, input }) => getJob(ctx.services, input.id)),

  list: viewerProcedure
    .input(
      z
        .object({
          state: z.enum(JOB_STATES).optional(),
          /** A group of states as the overview counts them: `failed` also lists timed out and terminated jobs. */
          bucket: z.enum(Object.keys(BUCKET_STATES) as [Bucket, ...Bucket[]]).optional(),
          type: z.enum(jobTypes.map((jobType) => jobType.type) as [string, ...string[]]).optional(),
          queue: queueName.optional(),
          /** Runs of one schedule (Temporal's TemporalScheduledById). */
          scheduleId: z
            .string()
            .max(200)
            .regex(/^[\w.:-]+$/, 'scheduleId is a schedule id such as sched-nightly-sync')
            .optional(),
          limit: z.number().int().min(1).max(100).default(25),
          cursor: z.string().max(4096).nullish(),
          /** Added by @trpc/react-query's infinite queries; pages only go forward, so it changes nothing. */
          direction: z.enum(['forward', 'backward']).optional(),
        })
        // Any other key is refused, not silently ignored: a filter the API does not know is a 400.
        .strict()
        .default({ limit: 25 }),
    )
    .query(({ ctx, input }) => listJobs(ctx.services, input, input.limit, input.cursor ?? undefined)),

  stats: viewerProcedure.query(({ ctx }) => jobStats(ctx.services)),

  /** A new run of a failed, cancelled, terminated or timed-out job, optionally with changes. */
  retry: operatorProcedure
    .input(z.object({ id: jobId, changes: retryChanges.optional() }).strict())
    .mutation(({ ctx, input }) => retryJob(ctx.services, input.id, input.changes, ctx.principal)),

  /** Graceful: the running activity learns it at its next heartbeat, cleans up, and the job ends cancelled. */
  cancel: operatorProcedure
    .input(
      z
        .object({
          id: jobId,
          reason: z.string().trim().min(3, 'say why in a few words, or leave the reason out').max(500).optional(),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => cancelJob(ctx.services, input.id, ctx.principal, input.reason)),

  /** Forced, with a reason that is recorded. */
  terminate: operatorProcedure
    .input(z.object({ id: jobId, reason: z.string().trim().min(3, 'say why, in a few words').max(500) }).strict())
    .mutation(({ ctx, input }) => terminateJob(ctx.services, input.id, input.reason, ctx.principal)),

  /** How many jobs a bulk action would touch, and a sample of them, before doing it. */
  bulkPreview: operatorProcedure.input(bulkRequest).query(async ({ ctx, input }) => {
    const ids = await resolveBulkTargets(ctx.services, input);
    return {
      action: input.action,
      count: ids.length,
      sample: ids.slice(0, 20),
      runsAsJob: ids.length > INLINE_BULK_LIMIT,
    };
  }),

  /**
   * Small selections are done in the request with a result per job; larger ones start a durable
   * bulk.action job (progress, results, survives a closed browser) whose id is returned.
   */
  bulk: operatorProcedure.input(bulkRequest).mutation(async ({ ctx, input }) => {
    const ids = await resolveBulkTargets(ctx.services, input);
    if (ids.length > INLINE_BULK_LIMIT) {
      // The job resolves a filter itself (in pages, as it goes): the input stays small whatever the selection.
      const job = await enqueueJob(ctx.services, ctx.principal, { type: 'bulk.action', input });
      return { mode: 'job' as const, jobId: job.id, count: ids.length, results: [] };
    }
    const results = [];
    for (const id of ids) results.push(await applyBulkItem(ctx.services, input, id, ctx.principal));
    return { mode: 'inline' as const, jobId: null, count: ids.length, results };
  }),
});
