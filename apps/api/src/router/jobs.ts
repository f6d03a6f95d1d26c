import { z } from 'zod';
import { JOB_STATES, jobTypes } from '@jobdeck/workflows';
import {
  activityRetryChanges,
  BUCKET_STATES,
  bulkRequest,
  cancelJob,
  deleteJob,
  jobIdSchema as jobId,
  jobSteps,
  rerunFromStep,
  rerunReason,
  retryActivityNow,
  retryChanges,
  retryJob,
  startLike,
  startLikeInput,
  startLikeOptions,
  terminateJob,
  type Bucket,
} from '@jobdeck/workflows/control';
import { previewBulk, runBulk } from '../jobs/bulk';
import { enqueueJob, enqueueRequest, queueName } from '../jobs/enqueue';
import { getJob } from '../jobs/get';
import { listJobs } from '../jobs/list';
import { searchJobs, searchRequest } from '../jobs/search';
import { jobStats } from '../jobs/stats';
import { jobTypeCatalogue } from '../jobs/types';
import { adminProcedure, operatorProcedure, router, viewerProcedure } from '../trpc';

export const jobsRouter = router({
  /** The catalogue: what can be enqueued, with a JSON Schema of each input and an example. */
  types: viewerProcedure
    .meta({ unredacted: 'the catalogue: field names of input schemas, no user data' })
    .query(() => jobTypeCatalogue()),

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
          /** Jobs a retry superseded are left out unless asked for (they stay in history and by id). */
          includeSuperseded: z.boolean().optional(),
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

  /** Any job by any recorded field (Postgres records, kept past Temporal's retention), with a total. */
  search: viewerProcedure.input(searchRequest).query(({ ctx, input }) => searchJobs(ctx.services, input)),

  stats: viewerProcedure.query(({ ctx }) => jobStats(ctx.services)),

  /** A new run of a failed, cancelled, terminated or timed-out job, optionally with changes. */
  retry: operatorProcedure
    .input(z.object({ id: jobId, changes: retryChanges.optional() }).strict())
    .mutation(({ ctx, input }) => retryJob(ctx.services, input.id, input.changes, ctx.principal)),

  /** The job's activity steps from its Temporal history, and whether it can be rerun from one. */
  steps: viewerProcedure
    .input(z.object({ id: jobId }).strict())
    .query(({ ctx, input }) => jobSteps(ctx.services, input.id)),

  /** A finished job again from one of its steps (Temporal's reset): earlier steps' results are kept, not redone. */
  rerunFromStep: operatorProcedure
    .input(
      z
        .object({ id: jobId, eventId: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER), reason: rerunReason })
        .strict(),
    )
    .mutation(({ ctx, input }) => rerunFromStep(ctx.services, input.id, input.eventId, input.reason, ctx.principal)),

  /** A running job's pending activity retried at once instead of after its backoff, its retry options changed first if given. */
  retryActivityNow: operatorProcedure
    .input(
      z
        .object({
          id: jobId,
          activityId: z.string().min(1).max(255).optional(),
          retry: activityRetryChanges.optional(),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => retryActivityNow(ctx.services, input.id, input, ctx.principal)),

  /** A new job of the same type with the original's input, edited where asked (any state). */
  startLike: operatorProcedure
    .input(z.object({ id: jobId, input: startLikeInput.optional(), options: startLikeOptions.optional() }).strict())
    .mutation(({ ctx, input }) =>
      startLike(ctx.services, input.id, { input: input.input, options: input.options }, ctx.principal),
    ),

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

  /** A finished job's Temporal execution and record, for good; the audit trail keeps who and why. */
  delete: adminProcedure
    .input(
      z
        .object({
          id: jobId,
          reason: z.string().trim().min(3, 'say why in a few words, or leave the reason out').max(500).optional(),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => deleteJob(ctx.services, input.id, ctx.principal)),

  /** How many jobs a bulk action would touch, and a sample of them, before doing it (delete: admin only). */
  bulkPreview: operatorProcedure
    .input(bulkRequest)
    .query(({ ctx, input }) => previewBulk(ctx.services, ctx.principal, input)),

  /** Small selections are done in the request; larger ones start a durable bulk.action job. */
  bulk: operatorProcedure.input(bulkRequest).mutation(({ ctx, input }) => runBulk(ctx.services, ctx.principal, input)),
});
