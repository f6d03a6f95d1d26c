// A job type names the least role that may start it; every way of starting one checks it.
import { beforeAll, describe, expect, it } from 'vitest';
import { jobTypes } from '@jobdeck/workflows';
import type { JobdeckClient } from '@jobdeck/api/client';
import { clientAs, db, env, waitForState } from '../support/harness';
import { call } from './support';

let admin: { client: JobdeckClient; token: string };
let operator: { client: JobdeckClient; token: string };

beforeAll(async () => {
  admin = await clientAs('admin');
  operator = await clientAs('operator');
});

describe('who may start a job type', () => {
  it('is declared by every destructive built-in', () => {
    expect(jobTypes.find((jobType) => jobType.type === 'maintenance.cleanup')?.enqueueRole).toBe('admin');
  });

  it('refuses an operator enqueuing the clean-up that queues.clean refuses them, and audits the refusal', async () => {
    const before = await db.job.count({ where: { type: 'maintenance.cleanup' } });
    const answer = await call(env.apiUrl, 'jobs.enqueue', {
      token: operator.token,
      input: { type: 'maintenance.cleanup', input: { olderThanDays: 1 } },
    });
    expect(answer.status).toBe(403);
    expect(answer.json.error.message).toBe(
      'starting maintenance.cleanup jobs requires the admin role; you are operator',
    );
    expect(await db.job.count({ where: { type: 'maintenance.cleanup' } })).toBe(before);
    const row = await db.auditLog.findFirst({
      where: { action: 'jobs.enqueue', outcome: 'FORBIDDEN' },
      orderBy: { id: 'desc' },
    });
    expect(row?.error).toMatch(/requires the admin role/);
  });

  it('refuses it through a template and through a retry, single or bulk, and lets an admin do both', async () => {
    const template = await admin.client.templates.create.mutate({
      name: `cleanup dry run ${Date.now()}`,
      type: 'maintenance.cleanup',
      input: { olderThanDays: 3650, dryRun: true },
    });
    expect(
      (await call(env.apiUrl, 'templates.run', { token: operator.token, input: { id: template.id } })).status,
    ).toBe(403);

    // A clean-up held back by a delay and terminated: a finished job an operator could otherwise retry.
    const { id } = await admin.client.jobs.enqueue.mutate({
      type: 'maintenance.cleanup',
      input: { olderThanDays: 3650, dryRun: true },
      options: { delayMs: 600_000 },
    });
    await admin.client.jobs.terminate.mutate({ id, reason: 'held for the role test' });
    await waitForState(admin.client, id, ['terminated']);
    const retry = await call(env.apiUrl, 'jobs.retry', { token: operator.token, input: { id } });
    expect(retry.status).toBe(403);
    const bulk = await operator.client.jobs.bulk.mutate({ action: 'retry', ids: [id] });
    expect(bulk.results).toEqual([
      expect.objectContaining({ id, outcome: 'skipped', reason: expect.stringMatching(/requires the admin role/) }),
    ]);
    const retried = await admin.client.jobs.retry.mutate({ id });
    expect(retried.retryOf).toBe(id);
    await waitForState(admin.client, retried.id, ['completed']);
  });
});
