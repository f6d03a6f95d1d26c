import { z } from 'zod';
import { defineJob } from '../../runtime/define-job';
import { dataSyncActivities } from './activities';

export const dataSyncInput = z.object({
  source: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'source is a short name such as "crm.contacts"'),
  records: z.number().int().min(1).max(1_000_000),
  batchSize: z.number().int().min(1).max(10_000).default(100),
  /** A pause between batches that spares a rate-limited source system. */
  throttleMs: z.number().int().min(0).max(10_000).default(0),
});

export default defineJob(import.meta.url, {
  type: 'data.sync',
  description:
    'Copies N records from a source in batches, heartbeating a checkpoint so that a retry resumes where the last attempt stopped.',
  queue: 'sync',
  concurrency: 4,
  input: dataSyncInput,
  example: { source: 'crm.contacts', records: 500, batchSize: 50, throttleMs: 100 },
  retry: { maxAttempts: 10, initialIntervalMs: 1_000, backoffCoefficient: 2, maximumIntervalMs: 30_000 },
  timeouts: { activityStartToCloseMs: 60 * 60_000, heartbeatMs: 10_000 },
  activities: dataSyncActivities,
});
