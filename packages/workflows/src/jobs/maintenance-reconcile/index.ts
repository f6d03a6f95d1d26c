import { z } from 'zod';
import { defineJob } from '../../runtime/define-job';
import { maintenanceJob, maintenanceTimeouts } from '../maintenance';
import { reconcileActivities } from './activities';

export const maintenanceReconcileInput = z.object({
  /** Jobs started or closed this far back are compared with their records (the previous run's end, if later). */
  lookbackMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(60),
  /** Records still running in Postgres examined per run, the longest unexamined first (they catch deleted workflows). */
  liveSample: z.number().int().min(0).max(10_000).default(200),
});

export default defineJob(import.meta.url, {
  type: 'maintenance.reconcile',
  description:
    "Brings job records in line with Temporal: ends a terminated, timed-out, deleted or reset job's record, and writes records a worker could not.",
  ...maintenanceJob,
  input: maintenanceReconcileInput,
  example: { lookbackMinutes: 60 },
  timeouts: maintenanceTimeouts(10 * 60_000),
  activities: reconcileActivities,
  builtInSchedule: {
    name: 'Record reconciler',
    description:
      'Every minute: records the end of jobs that could not record it themselves (terminated, timed out, deleted or reset in Temporal, or whose worker died at the wrong moment), so that the job records always match Temporal.',
    cron: ['* * * * *'],
    overlap: 'skip',
    input: { lookbackMinutes: 60 },
  },
});
