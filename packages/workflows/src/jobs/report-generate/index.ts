import { z } from 'zod';
import { defineJob } from '../../runtime/define-job';
import { reportActivities } from './activities';

export const reportGenerateInput = z.object({
  title: z.string().trim().min(1).max(200).default('Job report'),
  periodHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 366)
    .default(24),
  groupBy: z.enum(['type', 'queue', 'state']).default('type'),
});

export default defineJob(import.meta.url, {
  type: 'report.generate',
  description: 'Aggregates the jobs of a period into a CSV file (counts, failures, durations), in steps with progress.',
  queue: 'reports',
  concurrency: 2,
  input: reportGenerateInput,
  example: { title: 'Daily job report', periodHours: 24, groupBy: 'type' },
  retry: { maxAttempts: 3, initialIntervalMs: 2_000, backoffCoefficient: 2, maximumIntervalMs: 60_000 },
  timeouts: { activityStartToCloseMs: 5 * 60_000, heartbeatMs: 30_000 },
  activities: reportActivities,
});
