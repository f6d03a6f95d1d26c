import { z } from 'zod';
import { defineJob } from '../../runtime/define-job';
import { webhookDeliverInput } from '../webhook-deliver/index';
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
  /**
   * Also POST the report's rows there, signed as webhook.deliver signs (X-Jobdeck-Signature; the
   * delivery id is the job id), through the outbound policy: a third step, after the file is written.
   */
  deliverTo: z
    .object({ url: webhookDeliverInput.shape.url, secretName: webhookDeliverInput.shape.secretName })
    .strict()
    .optional(),
});

export default defineJob(import.meta.url, {
  type: 'report.generate',
  description:
    'Aggregates the jobs of a period into a CSV file (counts, failures, durations), in steps with progress; optionally POSTs the rows, signed, to deliverTo.url.',
  queue: 'reports',
  concurrency: 2,
  input: reportGenerateInput,
  example: { title: 'Daily job report', periodHours: 24, groupBy: 'type' },
  retry: { maxAttempts: 3, initialIntervalMs: 2_000, backoffCoefficient: 2, maximumIntervalMs: 60_000 },
  timeouts: { activityStartToCloseMs: 5 * 60_000, heartbeatMs: 30_000 },
  activities: reportActivities,
});
