import { z } from 'zod';
import { defineJob } from '../../runtime/define-job';
import { maintenanceJob, maintenanceTimeouts } from '../maintenance';
import { FINAL_STATES } from '../../runtime/states';
import { cleanupActivities } from './activities';

export const maintenanceCleanupInput = z.object({
  olderThanDays: z.number().int().min(1).max(3650).default(30),
  states: z
    .array(z.enum(FINAL_STATES))
    .min(1)
    .default([...FINAL_STATES]),
  dryRun: z.boolean().default(false),
  batchSize: z.number().int().min(1).max(5_000).default(500),
});

export default defineJob(import.meta.url, {
  type: 'maintenance.cleanup',
  description:
    'Applies the retention policy: deletes finished job records, their logs and files older than the cut-off, and insight rollups past their own retention (minutes 3 days, hours 45 days, days 400 days).',
  ...maintenanceJob,
  // It deletes records: the same role as queues.clean.
  enqueueRole: 'admin',
  input: maintenanceCleanupInput,
  example: { olderThanDays: 30, dryRun: true },
  retry: { maxAttempts: 5, initialIntervalMs: 5_000, backoffCoefficient: 2, maximumIntervalMs: 5 * 60_000 },
  timeouts: maintenanceTimeouts(30 * 60_000),
  activities: cleanupActivities,
  builtInSchedule: {
    name: 'Retention cleanup',
    description: 'Daily at 03:00 UTC: deletes finished job records, their logs and files older than 30 days.',
    cron: ['0 3 * * *'],
    overlap: 'skip',
    input: { olderThanDays: 30 },
  },
});
