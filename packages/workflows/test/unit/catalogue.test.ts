import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities';
import {
  BOOKKEEPING_QUEUE,
  builtInScheduleId,
  cronError,
  defaultQueues,
  defineJob,
  jobTypes,
  isTimeZone,
  MAX_CONCURRENCY,
  OVERLAP_POLICIES,
  QUEUE_NAME_PATTERN,
  queueConcurrency,
  SEARCH_ATTRIBUTES,
  workflowTypeFor,
  type ActivityDeps,
} from '../../src/index';

describe('the job catalogue', () => {
  it('names each job type, workflow type and activity once, and runs each type on a named queue', () => {
    const names = jobTypes.map((jobType) => jobType.type);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(jobTypes.map((jobType) => jobType.workflowType)).size).toBe(names.length);
    for (const jobType of jobTypes) {
      expect(jobType.type, jobType.type).toMatch(/^[a-z][a-z0-9]*(\.[a-z][a-z0-9-]*)+$/);
      expect(jobType.queue, jobType.type).toMatch(QUEUE_NAME_PATTERN);
      expect(jobType.queue, jobType.type).not.toBe(BOOKKEEPING_QUEUE);
      expect(Number.isInteger(jobType.concurrency) && jobType.concurrency >= 1, jobType.type).toBe(true);
      expect(jobType.concurrency, jobType.type).toBeLessThanOrEqual(MAX_CONCURRENCY);
    }
    // Activities share one namespace on a worker: createActivities refuses a name two types define.
    const activities = createActivities({} as Parameters<typeof createActivities>[0]);
    for (const jobType of jobTypes)
      for (const name of Object.keys(jobType.activities({} as ActivityDeps)))
        expect(activities[name], `${jobType.type}: ${name}`).toBeTypeOf('function');
  });

  it('polls by default every queue a job type names, as many at once as its most demanding type asks', () => {
    expect(defaultQueues()).toEqual([...new Set(jobTypes.map((jobType) => jobType.queue))].sort());
    for (const queue of defaultQueues()) {
      const asked = jobTypes.filter((jobType) => jobType.queue === queue).map((jobType) => jobType.concurrency);
      expect(queueConcurrency(queue), queue).toBe(Math.max(...asked));
    }
    expect(queueConcurrency('no-job-type-names-this')).toBeUndefined();
  });

  it('refuses a definition with a concurrency out of range', () => {
    const valid = { ...jobTypes[0]! };
    for (const concurrency of [0, 1.5, MAX_CONCURRENCY + 1])
      expect(() => defineJob(import.meta.url, { ...valid, type: 'test.bad-concurrency', concurrency })).toThrow(
        /concurrency must be a whole number from 1 to 1000/,
      );
  });

  it('gives every built-in schedule a valid spec and an input its own type accepts, under an id of its type', () => {
    const scheduled = jobTypes.filter((jobType) => jobType.builtInSchedule);
    // The maintenance jobs keep theirs in their definitions; the API creates one per declaring type.
    expect(scheduled.map((jobType) => jobType.type).sort()).toEqual(
      expect.arrayContaining(['maintenance.cleanup', 'maintenance.reconcile', 'maintenance.stuck-check']),
    );
    for (const { type, input, builtInSchedule: schedule } of scheduled) {
      expect(schedule!.id, type).toBe(builtInScheduleId(type));
      expect(schedule!.id, type).toMatch(/^sched-[a-z0-9-]+$/);
      expect(schedule!.name.trim(), type).not.toBe('');
      expect(schedule!.description.trim(), type).not.toBe('');
      expect(schedule!.cron.length, type).toBeGreaterThanOrEqual(1);
      for (const expression of schedule!.cron) expect(cronError(expression), `${type}: ${expression}`).toBeNull();
      expect(isTimeZone(schedule!.timezone), type).toBe(true);
      expect(OVERLAP_POLICIES, type).toContain(schedule!.overlap);
      expect(input.safeParse(schedule!.input).error, type).toBeUndefined();
    }
    const ids = scheduled.map((jobType) => jobType.builtInSchedule!.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses a definition whose built-in schedule has a bad spec or an input its type refuses', () => {
    const { builtInSchedule, ...cleanup } = jobTypes.find((jobType) => jobType.type === 'maintenance.cleanup')!;
    const define = (schedule: Partial<typeof builtInSchedule>) =>
      defineJob(import.meta.url, {
        ...cleanup,
        type: 'test.bad-schedule',
        builtInSchedule: { ...builtInSchedule!, ...schedule },
      });
    expect(define({}).builtInSchedule).toMatchObject({ id: 'sched-test-bad-schedule', cron: builtInSchedule!.cron });
    expect(() => define({ cron: ['61 * * * *'] })).toThrow(/cron\.0: minute "61" is out of range/);
    expect(() => define({ cron: [] })).toThrow(/cron is 1 to 10 cron expressions/);
    expect(() => define({ timezone: 'Mars/Olympus' })).toThrow(/unknown time zone/);
    expect(() => define({ overlap: 'sometimes' as never })).toThrow(/overlap must be one of/);
    expect(() => define({ name: ' ' })).toThrow(/name is 1 to 100 characters/);
    expect(() => define({ input: { olderThanDays: 0 } })).toThrow(/input\.olderThanDays/);
    // The type's schema is strict: a misspelt field is refused, not dropped.
    expect(() => define({ input: { olderThanDay: 30 } as never })).toThrow(/builtInSchedule is invalid/);
  });

  it.each(jobTypes.map((jobType) => [jobType.type, jobType] as const))(
    '%s: example is valid and its workflow is exported',
    async (_, jobType) => {
      expect(jobType.input.safeParse(jobType.example).success).toBe(true);
      const module = (await import(jobType.workflowModule)) as Record<string, unknown>;
      expect(typeof module[jobType.workflowType]).toBe('function');
      expect(jobType.retry.maxAttempts).toBeGreaterThanOrEqual(1);
    },
  );

  it('refuses, for every job type, an input field it does not know, and accepts its example', () => {
    for (const jobType of jobTypes) {
      expect(jobType.input.safeParse(jobType.example).success, jobType.type).toBe(true);
      const withTypo = jobType.input.safeParse({ ...(jobType.example as object), notAField: 1 });
      expect(withTypo.success, jobType.type).toBe(false);
      expect(
        withTypo.error?.issues.map((issue) => issue.code),
        jobType.type,
      ).toContain('unrecognized_keys');
    }
  });

  it('derives workflow type names from job types', () => {
    expect(workflowTypeFor('report.generate')).toBe('reportGenerate');
    expect(workflowTypeFor('maintenance.cleanup-old')).toBe('maintenanceCleanupOld');
  });

  it('registers the same search attributes the dev server is started with', () => {
    const stack = readFileSync(new URL('../../../../scripts/lib/stack.mjs', import.meta.url), 'utf8');
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) expect(stack).toContain(`${name}: '${type}'`);
  });
});
