import { describe, expect, it } from 'vitest';
import { jobTypes } from '@jobdeck/workflows';
import { builtInScheduleRequest, MAINTENANCE_SCHEDULES } from '../../src/schedules/maintenance';

describe('built-in maintenance schedules', () => {
  it('are the built-in schedules of the job definitions, under their historical ids', () => {
    expect(MAINTENANCE_SCHEDULES.map((schedule) => [schedule.id, schedule.type]).sort()).toEqual([
      ['sched-alerts-evaluate', 'alerts.evaluate'],
      ['sched-maintenance-cleanup', 'maintenance.cleanup'],
      ['sched-maintenance-reconcile', 'maintenance.reconcile'],
      ['sched-maintenance-stuck-check', 'maintenance.stuck-check'],
    ]);
    expect(MAINTENANCE_SCHEDULES).toHaveLength(jobTypes.filter((jobType) => jobType.builtInSchedule).length);
  });

  it('each pass the checks of a schedule created through the API', () => {
    for (const builtIn of MAINTENANCE_SCHEDULES)
      expect(builtInScheduleRequest(builtIn), builtIn.id).toMatchObject({
        name: builtIn.name,
        type: builtIn.type,
        input: builtIn.input,
        cron: builtIn.cron,
        timezone: 'UTC',
        overlap: 'skip',
      });
    const cleanup = MAINTENANCE_SCHEDULES.find((schedule) => schedule.id === 'sched-maintenance-cleanup')!;
    expect(builtInScheduleRequest(cleanup)).toMatchObject({ cron: ['0 3 * * *'], input: { olderThanDays: 30 } });
  });
});
