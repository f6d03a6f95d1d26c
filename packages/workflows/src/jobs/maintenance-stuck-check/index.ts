import { z } from 'zod';
import { defineJob } from '../../runtime/define-job';
import { maintenanceJob, maintenanceTimeouts } from '../maintenance';
import { stuckCheckActivities } from './activities';

export const maintenanceStuckCheckInput = z.object({
  /** A running job with no heartbeat or progress for this long is stuck (the low severity starts here). */
  thresholdMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(10),
  /** At most this many stuck jobs are examined per run, the longest idle first. */
  limit: z.number().int().min(1).max(10_000).default(1_000),
});

export default defineJob(import.meta.url, {
  type: 'maintenance.stuck-check',
  description:
    'Finds running jobs whose activities stopped heartbeating or progressing, and keeps an alert per job until it moves again.',
  ...maintenanceJob,
  input: maintenanceStuckCheckInput,
  example: { thresholdMinutes: 10 },
  timeouts: maintenanceTimeouts(5 * 60_000),
  activities: stuckCheckActivities,
  builtInSchedule: {
    name: 'Stuck-job check',
    description:
      'Every 10 minutes: raises an alert for each running job that has not heartbeated or progressed for 10 minutes or more, and resolves it once the job moves or ends.',
    cron: ['*/10 * * * *'],
    overlap: 'skip',
    input: { thresholdMinutes: 10 },
  },
});
