// Acting on search results with real jobs: a bulk retry whose selection is a search ("failed
// webhook.deliver jobs whose error says 503, before a time") retries exactly those; delete (admin
// only, single and bulk) removes a finished job's Temporal execution and record and leaves an audit
// row, refuses a job still running, and a bulk.action job started by an operator cannot delete.
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobdeckClient } from '@jobdeck/api/client';
import {
  clientAs,
  db,
  eventually,
  spawnWorker,
  temporal,
  waitForPoller,
  waitForState,
  webhookReceiver,
} from '../support/harness';

// A queue of its own, served by a worker of its own: the searches below see this file's jobs only.
const QUEUE = `it-search-actions-${Date.now().toString(36)}`;
let admin: JobdeckClient;
let operator: JobdeckClient;
let worker: ReturnType<typeof spawnWorker>;
let receivers: Array<Awaited<ReturnType<typeof webhookReceiver>>> = [];

beforeAll(async () => {
  ({ client: admin } = await clientAs('admin'));
  ({ client: operator } = await clientAs('operator'));
  worker = spawnWorker(`${QUEUE}:4`);
  await waitForPoller(QUEUE, worker);
  receivers = await Promise.all([503, 404, 200].map((status) => webhookReceiver(() => status)));
});

afterAll(async () => {
  if (worker?.exitCode === null) worker.kill('SIGTERM');
  await Promise.all(receivers.map((receiver) => receiver.close()));
});

/** A webhook.deliver job on this file's queue, to a receiver answering `status`, ended as `state`. */
async function delivered(status: 503 | 404 | 200, state: 'failed' | 'completed'): Promise<string> {
  const receiver = receivers[[503, 404, 200].indexOf(status)]!;
  const job = await operator.jobs.enqueue.mutate({
    type: 'webhook.deliver',
    input: { url: receiver.url, payload: { status } },
    options: { queue: QUEUE, maxAttempts: 1 },
  });
  await waitForState(operator, job.id, [state]);
  // The record too: searches read it.
  await eventually(`the record of ${job.id} ${state}`, async () => {
    const record = await db.job.findUnique({ where: { id: job.id } });
    return record?.state === state && record.finishedAt !== null;
  });
  return job.id;
}

async function goneFromTemporal(id: string) {
  const client = await temporal();
  await eventually(`${id} gone from Temporal`, async () => {
    try {
      await client.workflow.getHandle(id).describe();
      return false;
    } catch (error) {
      return error instanceof WorkflowNotFoundError;
    }
  });
}

/** Runs maintenance.reconcile now (it runs every minute) and waits for it to end. */
async function reconcileNow() {
  const client = await temporal();
  const before = await db.job.count({ where: { type: 'maintenance.reconcile' } });
  await client.schedule.getHandle('sched-maintenance-reconcile').trigger();
  await eventually('a reconcile run', async () => {
    const runs = await db.job.findMany({
      where: { type: 'maintenance.reconcile' },
      orderBy: { createdAt: 'desc' },
      take: 1,
      select: { state: true },
    });
    return (
      (await db.job.count({ where: { type: 'maintenance.reconcile' } })) > before && runs[0]?.state === 'completed'
    );
  });
}

const failed503 = {
  queues: [QUEUE],
  types: ['webhook.deliver'],
  states: ['failed' as const],
  q: 'error:"answered 503"',
};

describe('bulk actions on a search', () => {
  it('retries exactly the jobs a search selects', async () => {
    const early = [await delivered(503, 'failed'), await delivered(503, 'failed')];
    await new Promise((resolve) => setTimeout(resolve, 50));
    const cut = new Date().toISOString();
    const others = [await delivered(503, 'failed'), await delivered(404, 'failed'), await delivered(200, 'completed')];

    const search = { ...failed503, finished: { to: cut } };
    const preview = await operator.jobs.bulkPreview.query({ action: 'retry', search });
    expect(preview).toMatchObject({ action: 'retry', count: 2, sample: [...early].reverse(), runsAsJob: false });

    const done = await operator.jobs.bulk.mutate({ action: 'retry', search });
    expect(done.mode).toBe('inline');
    expect(done.results.map((result) => [result.id, result.outcome]).sort()).toEqual(
      early.map((id) => [id, 'done']).sort(),
    );
    for (const result of done.results)
      expect(await db.job.findUnique({ where: { id: result.newId! } })).toMatchObject({ retryOfId: result.id });
    const untouched = await db.job.findMany({ where: { id: { in: others } }, select: { retriedAsId: true } });
    expect(untouched.map((job) => job.retriedAsId)).toEqual([null, null, null]);
    // Retried already: a second bulk retry of the same search skips them (one retry per job).
    const again = await operator.jobs.bulk.mutate({ action: 'retry', search });
    expect(again.results.map((result) => result.outcome)).toEqual(['skipped', 'skipped']);
  });
});

describe('delete (search results)', () => {
  it('removes a finished job: Temporal execution, record, and leaves an audit row', async () => {
    const id = await delivered(200, 'completed');
    await expect(operator.jobs.delete.mutate({ id })).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
    expect(await admin.jobs.delete.mutate({ id, reason: 'test data' })).toEqual({
      id,
      state: 'completed',
      execution: 'deleted',
      record: 'deleted',
    });
    expect(await db.job.findUnique({ where: { id } })).toBeNull();
    // Temporal deletes a just-closed execution some 20 s later; the reconciler, finding it without a
    // record meanwhile, must not write the record again: the delete's tombstone says so.
    expect(await db.deletedJob.findUnique({ where: { id } })).toMatchObject({ id, deletedAt: expect.any(Date) });
    await reconcileNow();
    expect(await db.job.findUnique({ where: { id } })).toBeNull();
    await goneFromTemporal(id);
    await expect(admin.jobs.get.query({ id })).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
    const audit = await db.auditLog.findMany({ where: { action: 'jobs.delete', target: id }, orderBy: { at: 'asc' } });
    expect(audit.map((row) => [row.outcome, row.role])).toEqual([
      ['FORBIDDEN', 'operator'],
      ['ok', 'admin'],
    ]);
    expect(audit[1]!.params).toMatchObject({ id, reason: 'test data' });
    // Deleted again: nothing is left to delete.
    await expect(admin.jobs.delete.mutate({ id })).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
  });

  it('refuses a job that has not finished, saying its state', async () => {
    const job = await operator.jobs.enqueue.mutate({
      type: 'webhook.deliver',
      input: { url: receivers[2]!.url, payload: {} },
      options: { queue: QUEUE, delayMs: 600_000 },
    });
    try {
      await expect(admin.jobs.delete.mutate({ id: job.id })).rejects.toMatchObject({
        message: expect.stringMatching(/is delayed; only finished jobs .* can be deleted/),
        data: { code: 'PRECONDITION_FAILED' },
      });
      expect(await db.job.findUnique({ where: { id: job.id } })).not.toBeNull();
    } finally {
      await operator.jobs.cancel.mutate({ id: job.id });
    }
  });

  it('deletes a search’s jobs in bulk, for admins only', async () => {
    const ids = [await delivered(404, 'failed'), await delivered(404, 'failed')];
    const search = { queues: [QUEUE], q: 'error:"answered 404"' };
    for (const call of [
      () => operator.jobs.bulkPreview.query({ action: 'delete', search }),
      () => operator.jobs.bulk.mutate({ action: 'delete', search }),
    ])
      await expect(call()).rejects.toMatchObject({
        message: expect.stringMatching(/admin role/),
        data: { code: 'FORBIDDEN' },
      });
    const earlier404 = await db.job.count({ where: { queue: QUEUE, error: { contains: 'answered 404' } } });
    const preview = await admin.jobs.bulkPreview.query({ action: 'delete', search });
    expect(preview.count).toBe(earlier404);
    expect(preview.sample).toEqual(expect.arrayContaining(ids));
    const done = await admin.jobs.bulk.mutate({ action: 'delete', search });
    expect(done.results.every((result) => result.outcome === 'done')).toBe(true);
    expect(await db.job.count({ where: { id: { in: ids } } })).toBe(0);
    await reconcileNow();
    expect(await db.job.count({ where: { id: { in: ids } } })).toBe(0);
    for (const id of ids) await goneFromTemporal(id);
    expect((await admin.jobs.search.query({ search })).total).toEqual({ count: 0, exact: true });
  });

  it('a bulk.action job an operator started cannot delete', async () => {
    const target = await delivered(200, 'completed');
    const job = await operator.jobs.enqueue.mutate({ type: 'bulk.action', input: { action: 'delete', ids: [target] } });
    const ended = await waitForState(operator, job.id, ['failed'], 90_000);
    expect(ended.error).toMatch(/deleting jobs requires the admin role/);
    expect(await db.job.findUnique({ where: { id: target } })).not.toBeNull();
  });
});
