import { ScheduleNotFoundError } from '@temporalio/client';
import { jobTypes, type JobBuiltInSchedule } from '@jobdeck/workflows';
import { DomainError } from '@jobdeck/workflows/control';
import type { Services } from '../services';
import { createSchedule } from './service';
import { scheduleCreate, type ScheduleCreate } from './spec';

/**
 * Jobdeck's own recurring work, as ordinary schedules anyone can see, pause or edit: one for every job
 * type whose definition declares a `builtInSchedule` (the maintenance jobs), so that a new one needs
 * nothing here. Created at API start when missing and left alone when present, so edits survive restarts.
 */
export const MAINTENANCE_SCHEDULES: ReadonlyArray<JobBuiltInSchedule & { type: string }> = jobTypes.flatMap(
  (jobType) => (jobType.builtInSchedule ? [{ ...jobType.builtInSchedule, type: jobType.type }] : []),
);

/** The create request of a built-in schedule, checked as any schedule created through the API is. */
export function builtInScheduleRequest(builtIn: JobBuiltInSchedule & { type: string }): ScheduleCreate {
  return scheduleCreate.parse({
    name: builtIn.name,
    description: builtIn.description,
    type: builtIn.type,
    input: builtIn.input,
    cron: [...builtIn.cron],
    timezone: builtIn.timezone,
    overlap: builtIn.overlap,
  });
}

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
    const request = builtInScheduleRequest(builtIn);
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
