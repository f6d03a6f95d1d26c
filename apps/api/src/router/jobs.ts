import { z } from 'zod';
import { JOB_STATES, jobTypes } from '@jobdeck/workflows';
import { enqueueJob, enqueueRequest, queueName } from '../jobs/enqueue';
import { getJob, jobStats, listJobs } from '../jobs/read';
import { BUCKET_STATES, type Bucket } from '../jobs/visibility';
import { operatorProcedure, router, viewerProcedure } from '../trpc';

const jobId = z.string().min(1, 'id is required').max(300).regex(/^[\w.:-]+$/, 'id is a job id such as report.generate-20261127-101500-a1b2c3');

export const jobsRouter = router({
  /** The catalogue: what can be enqueued, with a JSON Schema of each input and an example. */
  types: viewerProcedure.query(() =>
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

  enqueue: operatorProcedure.input(enqueueRequest).mutation(({ ctx, input }) => enqueueJob(ctx.services, ctx.principal, input)),

  get: viewerProcedure.input(z.object({ id: jobId })).query(({ ctx, input }) => getJob(ctx.services, input.id)),

  list: viewerProcedure
    .input(
      z
        .object({
          state: z.enum(JOB_STATES).optional(),
          /** A group of states as the overview counts them: `failed` also lists timed out and terminated jobs. */
          bucket: z.enum(Object.keys(BUCKET_STATES) as [Bucket, ...Bucket[]]).optional(),
          type: z.enum(jobTypes.map((jobType) => jobType.type) as [string, ...string[]]).optional(),
          queue: queueName.optional(),
          limit: z.number().int().min(1).max(100).default(25),
          cursor: z.string().max(4096).nullish(),
        })
        // Unknown keys are dropped, not refused: react-query's infinite queries add `direction`.
        .default({ limit: 25 }),
    )
    .query(({ ctx, input }) => listJobs(ctx.services, input, input.limit, input.cursor ?? undefined)),

  stats: viewerProcedure.query(({ ctx }) => jobStats(ctx.services)),
});
