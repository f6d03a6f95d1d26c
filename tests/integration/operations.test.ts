import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobdeckClient } from '@jobdeck/api/client';
import {
  clientAs,
  codecFlags,
  db,
  eventually,
  http,
  login,
  spawnWorker,
  temporal,
  temporalCli,
  waitForPoller,
  waitForState,
  webhookReceiver,
} from '../support/harness';

let operator: JobdeckClient;
let admin: JobdeckClient;
const workers: ReturnType<typeof spawnWorker>[] = [];
const startedAt = new Date();

beforeAll(async () => {
  ({ client: operator } = await clientAs('operator'));
  ({ client: admin } = await clientAs('admin'));
});

afterAll(() => {
  for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGTERM');
});

/** A worker of its own on a private queue, so that pausing it cannot disturb other tests. */
async function privateQueue(name: string, concurrency = 2) {
  const worker = spawnWorker(`${name}:${concurrency}`);
  workers.push(worker);
  await waitForPoller(name, worker);
  return worker;
}

type EnqueueOptions = Parameters<JobdeckClient['jobs']['enqueue']['mutate']>[0]['options'];

/** A quick data.sync of one record from `source`. */
const oneRecordSync = (source: string, options: EnqueueOptions) =>
  operator.jobs.enqueue.mutate({ type: 'data.sync', input: { source, records: 1 }, options });

/** `count` of them, enqueued one after the other, from `${prefix}0`, `${prefix}1`, … */
async function oneRecordSyncs(prefix: string, count: number, options: EnqueueOptions) {
  const jobs = [];
  for (let n = 0; n < count; n++) jobs.push(await oneRecordSync(`${prefix}${n}`, options));
  return jobs;
}

const slowSync = (source: string, queue?: string) => ({
  type: 'data.sync' as const,
  input: { source, records: 3000, batchSize: 10, throttleMs: 300 },
  options: queue ? { queue } : undefined,
});

describe('cancel and terminate', () => {
  it('cancels a running job gracefully: the activity learns it at its next heartbeat and cleans up', async () => {
    const { id } = await operator.jobs.enqueue.mutate(slowSync('it.cancel'));
    await eventually(
      'the job to be running',
      async () => ((await operator.jobs.get.query({ id })).progress?.stepsDone ?? 0) >= 2,
    );
    await expect(operator.jobs.cancel.mutate({ id, reason: '' })).rejects.toThrow(/reason: say why/);
    const answer = await operator.jobs.cancel.mutate({ id, reason: 'source is being migrated' });
    expect(answer).toEqual({ id, state: 'cancelling', cli: `temporal workflow cancel --workflow-id ${id}` });
    const job = await waitForState(operator, id, ['cancelled'], 30_000);
    expect(job.temporal?.status).toBe('CANCELLED');
    expect(job.logs.map((log) => log.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^cancellation requested by token:.*: source is being migrated$/),
        expect.stringMatching(/^stopped at record \d+ of 3000/),
        expect.stringMatching(/^cancelled/),
      ]),
    );
    // The reason is in Temporal's history too, for whoever reads the job in the Temporal UI or CLI.
    expect(await temporalCli(['workflow', 'show', '--workflow-id', id, '--output', 'json'])).toContain(
      'source is being migrated',
    );
    expect((await db.job.findUniqueOrThrow({ where: { id } })).state).toBe('cancelled');
    await expect(operator.jobs.cancel.mutate({ id })).rejects.toThrow(
      /is cancelled; only waiting or running jobs can be cancelled/,
    );
  });

  it('terminates with a recorded reason, from curl too', async () => {
    const { id } = await operator.jobs.enqueue.mutate(slowSync('it.terminate'));
    const { token } = await clientAs('operator');
    const missing = await http('jobs.terminate', { token, input: { id } });
    expect(missing.status).toBe(400);
    expect(missing.json.error.message).toMatch(/reason/);
    const response = await http('jobs.terminate', { token, input: { id, reason: 'stuck on a bad source' } });
    expect(response.status).toBe(200);
    expect(response.json.result.data.cli).toContain(`temporal workflow terminate --workflow-id ${id}`);
    const job = await waitForState(operator, id, ['terminated']);
    expect(job.error).toMatch(/terminated: stuck on a bad source \(by token:/);
    const history = await temporalCli(['workflow', 'describe', '--workflow-id', id, '--output', 'json']);
    expect(history).toContain('Terminated');
  });
});

describe('retry', () => {
  it('retries a failed job with changes, linked both ways, and marks the original superseded', async () => {
    const failing = await webhookReceiver(() => 400);
    const working = await webhookReceiver(() => 200);
    try {
      const { id } = await operator.jobs.enqueue.mutate({
        type: 'webhook.deliver',
        input: { url: failing.url, payload: { n: 1 } },
      });
      await waitForState(operator, id, ['failed']);

      await expect(operator.jobs.retry.mutate({ id, changes: { input: { url: 'not a url' } } })).rejects.toThrow(
        /input\.url/,
      );
      await expect(
        operator.jobs.retry.mutate({
          id,
          changes: { backoff: { initialIntervalMs: 5_000, maximumIntervalMs: 1_000 } },
        }),
      ).rejects.toThrow(/maximumIntervalMs/);
      // Against the type's own maximum too (webhook.deliver's is 60 s): Temporal would refuse every
      // activity of such a retry, and it would wait forever.
      await expect(
        operator.jobs.retry.mutate({ id, changes: { backoff: { initialIntervalMs: 120_000 } } }),
      ).rejects.toThrow(
        /maximumIntervalMs \(60000 ms, webhook\.deliver's default\) must not be below initialIntervalMs/,
      );

      const retried = await operator.jobs.retry.mutate({
        id,
        changes: {
          input: { url: working.url },
          priority: 'high',
          maxAttempts: 2,
          backoff: { initialIntervalMs: 500 },
          supersede: true,
        },
      });
      expect(retried).toMatchObject({ retryOf: id, superseded: true });
      const done = await waitForState(operator, retried.id, ['completed']);
      expect(done).toMatchObject({ retryOfId: id, priority: 'high', maxAttempts: 2 });
      expect(working.requests).toHaveLength(1);
      expect(JSON.parse(working.requests[0]!.body)).toEqual({ n: 1 });
      const original = await operator.jobs.get.query({ id });
      expect(original.retriedAsId).toBe(retried.id);
      expect(original.supersededAt).not.toBeNull();
      // The memo is encrypted in Temporal: the CLI reads it through the codec endpoint.
      const memo = JSON.parse(
        await temporalCli([
          'workflow',
          'describe',
          '--workflow-id',
          retried.id,
          '--output',
          'json',
          ...codecFlags(await login()),
        ]),
      );
      expect(JSON.stringify(memo)).toContain(id);

      await expect(operator.jobs.retry.mutate({ id })).rejects.toThrow(/already retried as/);
      await expect(operator.jobs.retry.mutate({ id: retried.id })).rejects.toThrow(
        /is completed; only failed, cancelled, terminated or timed-out jobs can be retried/,
      );
    } finally {
      await failing.close();
      await working.close();
    }
  });
});

describe('bulk actions', () => {
  it('acts on a small selection in the request, with a result per job', async () => {
    const running = await Promise.all([1, 2].map((n) => operator.jobs.enqueue.mutate(slowSync(`it.bulk${n}`))));
    const finished = await operator.jobs.enqueue.mutate({
      type: 'data.sync',
      input: { source: 'it.bulkdone', records: 2 },
    });
    await waitForState(operator, finished.id, ['completed']);
    const ids = [...running.map((job) => job.id), finished.id];
    const preview = await operator.jobs.bulkPreview.query({ action: 'cancel', ids });
    expect(preview).toMatchObject({ count: 3, runsAsJob: false });
    const result = await operator.jobs.bulk.mutate({ action: 'cancel', ids });
    expect(result.mode).toBe('inline');
    expect(result.results).toEqual([
      { id: ids[0], outcome: 'done' },
      { id: ids[1], outcome: 'done' },
      { id: finished.id, outcome: 'skipped', reason: expect.stringMatching(/is completed/) },
    ]);
    for (const job of running) await waitForState(operator, job.id, ['cancelled'], 30_000);
  });

  it('runs a large selection as a durable bulk.action job with progress and counts', async () => {
    await privateQueue('it-bulk', 1);
    await admin.queues.pause.mutate({ queue: 'it-bulk', note: 'bulk test' });
    const jobs = await oneRecordSyncs('it.many', 30, { queue: 'it-bulk' });
    const filter = { queue: 'it-bulk', state: 'waiting' as const };
    const preview = await eventually('all 30 in visibility', async () => {
      const current = await operator.jobs.bulkPreview.query({ action: 'cancel', filter });
      return current.count === 30 ? current : undefined;
    });
    expect(preview.runsAsJob).toBe(true);
    const started = await operator.jobs.bulk.mutate({ action: 'cancel', filter });
    expect(started).toMatchObject({ mode: 'job', count: 30 });
    const bulkJob = await waitForState(operator, started.jobId!, ['completed'], 90_000);
    expect(bulkJob.type).toBe('bulk.action');
    expect(bulkJob.resultSummary).toBe('cancel: 30 done, 0 skipped, 0 failed of 30');
    expect(bulkJob.progress?.stepsTotal).toBe(30);
    // Cancelling works while the queue is paused: bookkeeping runs on its own, never-paused queue.
    for (const job of jobs.slice(0, 3)) await waitForState(operator, job.id, ['cancelled'], 30_000);
    await admin.queues.resume.mutate({ queue: 'it-bulk' });
  });
});

describe('queues', () => {
  it('pause holds new jobs (through a worker restart) until resume; the state lives in Temporal', async () => {
    const queue = 'it-paused';
    let worker = await privateQueue(queue);
    const paused = await operator.queues.pause.mutate({ queue, note: 'maintenance window' });
    expect(paused.cli).toBe(
      `temporal task-queue config set --task-queue ${queue} --task-queue-type activity --queue-rps-limit 0 --queue-rps-limit-reason "paused by ${paused.reason.replace('paused by ', '')}"`,
    );
    const { id } = await operator.jobs.enqueue.mutate({
      type: 'data.sync',
      input: { source: 'it.paused', records: 5 },
      options: { queue },
    });

    const shown = await eventually('the paused queue in system.health', async () =>
      (await operator.system.health.query()).queues.find((entry) => entry.name === queue),
    );
    expect(shown).toMatchObject({ paused: true, pausedReason: expect.stringMatching(/maintenance window/) });
    const config = await temporalCli([
      'task-queue',
      'config',
      'get',
      '--task-queue',
      queue,
      '--task-queue-type',
      'activity',
      '--output',
      'json',
    ]);
    expect(config).toContain('maintenance window');

    // Restart the worker: the pause is Temporal's, not the worker's, so it holds.
    worker.kill('SIGTERM');
    await new Promise((resolve) => worker.once('exit', resolve));
    worker = await privateQueue(queue);
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const held = await operator.jobs.get.query({ id });
    expect(held.state).toBe('waiting');
    expect(held.startedAt).toBeNull();
    expect((await operator.jobs.list.query({ queue, state: 'waiting' })).items.map((item) => item.id)).toContain(id);

    await operator.queues.resume.mutate({ queue });
    const done = await waitForState(operator, id, ['completed'], 30_000);
    expect(done.startedAt).not.toBeNull();
    expect((await operator.queues.list.query()).find((entry) => entry.name === queue)?.paused).toBe(false);
  });

  it('drains the waiting jobs of a queue and cleans old records, each with a count first', async () => {
    const queue = 'it-drain';
    await privateQueue(queue);
    await operator.queues.pause.mutate({ queue });
    const ids = (await oneRecordSyncs('it.drain', 3, { queue })).map((job) => job.id);
    await eventually('3 waiting', async () => (await admin.queues.drainPreview.query({ queue })).count === 3);
    await expect(operator.queues.drain.mutate({ queue })).rejects.toThrow(/requires the admin role/);
    expect(await admin.queues.drain.mutate({ queue })).toMatchObject({ total: 3, cancelled: 3, skipped: 0, failed: 0 });
    for (const id of ids) await waitForState(operator, id, ['cancelled'], 30_000);
    await operator.queues.resume.mutate({ queue });

    // The records just finished: nothing is older than an hour; backdate them to see clean act.
    expect((await admin.queues.cleanPreview.query({ queue, olderThanHours: 1 })).count).toBe(0);
    await db.job.updateMany({ where: { id: { in: ids } }, data: { finishedAt: new Date(Date.now() - 3 * 3_600_000) } });
    expect((await admin.queues.cleanPreview.query({ queue, olderThanHours: 2, states: ['cancelled'] })).count).toBe(3);
    expect(await admin.queues.clean.mutate({ queue, olderThanHours: 2, states: ['cancelled'] })).toEqual({
      queue,
      deleted: 3,
    });
    expect(await db.job.count({ where: { id: { in: ids } } })).toBe(0);
  });
});

describe('priorities and rate limits', () => {
  it('starts critical jobs enqueued last before low ones waiting on a busy queue', async () => {
    const queue = 'it-priority';
    await privateQueue(queue, 1);
    await operator.queues.pause.mutate({ queue });
    // Temporal's matching applies a task-queue rate limit a moment after it is set; a job whose
    // activity is scheduled within that moment may still be dispatched (the lean shell schedules it
    // in the job's first workflow task, so it can be that quick).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const job = (source: string, priority: 'low' | 'critical') => oneRecordSync(source, { queue, priority });
    const low = [await job('it.low1', 'low'), await job('it.low2', 'low'), await job('it.low3', 'low')];
    const critical = [await job('it.crit1', 'critical'), await job('it.crit2', 'critical')];
    await eventually('5 waiting', async () => (await admin.queues.drainPreview.query({ queue })).count === 5);
    await operator.queues.resume.mutate({ queue });
    const all = [...low, ...critical];
    for (const entry of all) await waitForState(operator, entry.id, ['completed'], 60_000);
    const records = await db.job.findMany({
      where: { id: { in: all.map((entry) => entry.id) } },
      orderBy: { startedAt: 'asc' },
    });
    const order = records.map((record) => `${record.id} ${record.startedAt?.toISOString()}`);
    expect(
      order
        .slice(0, 2)
        .map((entry) => entry.split(' ')[0])
        .sort(),
      order.join('\n'),
    ).toEqual(critical.map((entry) => entry.id).sort());
  });

  it('starts at most N jobs per interval per rate-limit key, across workers', async () => {
    const rateLimit = { key: `host-${Date.now()}`, limit: 2, intervalMs: 4_000 };
    const ids = (await oneRecordSyncs('it.rate', 5, { rateLimit })).map((job) => job.id);
    // While one waits for its slot it reads delayed on its page and in the list, as Temporal (JobState) and the stats count it.
    await eventually(
      'a job waiting for its slot to read delayed on its page and in the list',
      async () => {
        const pages = await Promise.all(ids.map((id) => operator.jobs.get.query({ id })));
        const waiting = pages.find((job) => job.state === 'delayed');
        if (!waiting) return undefined;
        const listed = await operator.jobs.list.query({ state: 'delayed', limit: 100 });
        return listed.items.find((item) => item.id === waiting.id)?.state === 'delayed' || undefined;
      },
      15_000,
      100,
    );
    for (const id of ids) await waitForState(operator, id, ['completed'], 60_000);
    // The limiter's own ledger: starts granted per window (a worker may begin the granted work a little later).
    const windows = await db.rateLimitWindow.findMany({ where: { key: rateLimit.key } });
    expect(windows.reduce((sum, window) => sum + window.count, 0)).toBe(5);
    expect(Math.max(...windows.map((window) => window.count))).toBeLessThanOrEqual(2);
    expect(windows.length).toBeGreaterThanOrEqual(3);
    const records = await db.job.findMany({ where: { id: { in: ids } } });
    expect(records.every((record) => record.rateLimitKey === rateLimit.key)).toBe(true);
    const delayed = await Promise.all(ids.map((id) => operator.jobs.get.query({ id })));
    expect(delayed.some((job) => job.logs.some((log) => /rate limit/.test(log.message)))).toBe(true);
  });
});

describe('users, tokens and the audit trail', () => {
  it('lets admins manage users; a disabled user cannot log in, a demoted one loses rights at once', async () => {
    const email = `ops-${Date.now()}@example.test`;
    const user = await admin.users.create.mutate({ email, role: 'operator', password: 'correct horse battery' });
    await expect(admin.users.create.mutate({ email, role: 'viewer', password: 'another password' })).rejects.toThrow(
      /exists already/,
    );
    await expect(admin.users.create.mutate({ email: 'x@y', role: 'viewer', password: 'short' })).rejects.toThrow(
      /at least 10 characters/,
    );
    const token = await login(email, 'correct horse battery');
    expect(
      (await http('jobs.enqueue', { token, input: { type: 'data.sync', input: { source: 'it.user', records: 1 } } }))
        .status,
    ).toBe(200);
    await admin.users.update.mutate({ id: user.id, role: 'viewer' });
    expect(
      (await http('jobs.enqueue', { token, input: { type: 'data.sync', input: { source: 'it.user', records: 1 } } }))
        .status,
    ).toBe(403);
    await admin.users.update.mutate({ id: user.id, disabled: true });
    expect((await http('jobs.stats', { token })).status).toBe(401);
    await expect(login(email, 'correct horse battery')).rejects.toThrow(/wrong email or password/);
  });

  it('creates tokens shown once and stored hashed, expiring, revocable, with last use recorded', async () => {
    const created = await admin.tokens.create.mutate({ name: 'it billing', role: 'viewer', expiresInDays: 30 });
    expect(created.token).toMatch(/^jd_t_/);
    expect((await http('jobs.stats', { token: created.token })).status).toBe(200);
    const listed = (await admin.tokens.list.query()).find((token) => token.id === created.id)!;
    expect(listed).toMatchObject({
      name: 'it billing',
      role: 'viewer',
      prefix: created.token.slice(0, 10),
      revokedAt: null,
    });
    expect(listed.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(created.token);
    await db.apiToken.update({ where: { id: created.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await http('jobs.stats', { token: created.token })).status).toBe(401);
  });

  it('has an audit record for every mutation made here, with secrets redacted', async () => {
    const audit = await admin.audit.list.query({ from: startedAt.toISOString(), limit: 200 });
    const actions = new Set(audit.items.map((item) => item.action));
    // What this suite made: every one an action the audit page offers, from the server's own list.
    const offered = await admin.audit.actions.query();
    for (const action of actions) expect(offered, action).toContain(action);
    expect(offered).toEqual(expect.arrayContaining(['schedules.create', 'templates.update', 'auth.logout']));
    expect(offered).not.toContain('jobs.list');
    const terminate = audit.items.find((item) => item.action === 'jobs.terminate' && item.outcome === 'ok')!;
    expect(terminate).toMatchObject({
      role: 'operator',
      actor: expect.stringMatching(/^token:/),
      ip: expect.any(String),
    });
    expect(terminate.params).toMatchObject({ reason: 'stuck on a bad source' });
    const refused = audit.items.find((item) => item.action === 'queues.drain' && item.outcome === 'FORBIDDEN');
    expect(refused).toBeDefined();
    const userCreate = audit.items.find((item) => item.action === 'users.create' && item.outcome === 'ok')!;
    expect(userCreate.params).toMatchObject({ password: '[redacted]' });
    const logins = audit.items.filter((item) => item.action === 'auth.login');
    expect(logins.every((item) => (item.params as { password?: string }).password === '[redacted]')).toBe(true);
    expect(await (await temporal()).workflow.count('JobType IS NOT NULL')).toBeTruthy();
  });
});
