import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultQueues, jobTypes, SEARCH_ATTRIBUTES, workflowTypeFor } from '../../src/index';

describe('the job catalogue', () => {
  it('has the built-in job types', () => {
    expect(jobTypes.map((jobType) => jobType.type).sort()).toEqual([
      'bulk.action',
      'data.sync',
      'maintenance.cleanup',
      'maintenance.reconcile',
      'maintenance.stuck-check',
      'report.generate',
      'webhook.deliver',
    ]);
    expect(defaultQueues()).toEqual(['control', 'maintenance', 'reports', 'sync', 'webhooks']);
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
