import { ScheduleNotFoundError } from '@temporalio/client';
import { DomainError } from '@jobdeck/workflows/control';
import type { Services } from '../services';
import { createSchedule } from './service';
import { scheduleCreate } from './spec';

/**
 * Jobdeck's own recurring work, as ordinary schedules anyone can see, pause or edit. Created at
 * API start when missing and left alone when present, so edits survive restarts.
 */
export const MAINTENANCE_SCHEDULES = [
  {
    id: 'sched-maintenance-reconcile',
    name: 'Record reconciler',
    description:
      'Every minute: records the end of jobs that could not record it themselves (terminated, timed out, deleted or reset in Temporal, or whose worker died at the wrong moment), so that the job records always match Temporal.',
    type: 'maintenance.reconcile',
    input: { lookbackMinutes: 60 },
    cron: ['* * * * *'],
    overlap: 'skip',
  },
  {
    id: 'sched-maintenance-stuck-check',
    name: 'Stuck-job check',
    description:
      'Every 10 minutes: raises an alert for each running job that has not heartbeated or progressed for 10 minutes or more, and resolves it once the job moves or ends.',
    type: 'maintenance.stuck-check',
    input: { thresholdMinutes: 10 },
    cron: ['*/10 * * * *'],
    overlap: 'skip',
  },
  {
    id: 'sched-maintenance-cleanup',
    name: 'Retention cleanup',
    description: 'Daily at 03:00 UTC: deletes finished job records, their logs and files older than 30 days.',
    type: 'maintenance.cleanup',
    input: { olderThanDays: 30 },
    cron: ['0 3 * * *'],
    overlap: 'skip',
  },
] as const;

export async function ensureMaintenanceSchedules(services: Services): Promise<Array<{ id: string; created: boolean }>> {
  const results: Array<{ id: string; created: boolean }> = [];
  for (const builtIn of MAINTENANCE_SCHEDULES) {
    const exists = await services.temporal.schedule
      .getHandle(builtIn.id)
      .describe()
      .then(() => true)
      .catch((error: unknown) => {
        if (error instanceof ScheduleNotFoundError) return false;
        throw error;
      });
    if (exists) {
      results.push({ id: builtIn.id, created: false });
      continue;
    }
    const request = scheduleCreate.parse({
      name: builtIn.name,
      description: builtIn.description,
      type: builtIn.type,
      input: builtIn.input,
      cron: [...builtIn.cron],
      overlap: builtIn.overlap,
    });
    try {
      await createSchedule(services, 'system', { ...request, id: builtIn.id, builtIn: true });
      results.push({ id: builtIn.id, created: true });
    } catch (error) {
      // Another API instance starting at the same moment created it first: that is the one.
      if (error instanceof DomainError && error.code === 'CONFLICT') results.push({ id: builtIn.id, created: false });
      else throw error;
    }
  }
  return results;
}
