import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities';
import {
  BOOKKEEPING_QUEUE,
  defaultQueues,
  defineJob,
  jobTypes,
  MAX_CONCURRENCY,
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
