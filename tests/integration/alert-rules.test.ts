// Alert rules on real conditions: real jobs fail and succeed on queues of the test's own, a real worker
// is frozen until maintenance.stuck-check calls its job stuck, Postgres' own figures cross a threshold
// (Redis: alert-rules-redis.test.ts); the alerts.evaluate job (enqueued with the test's rule ids, so
// other tests' rules are not judged here) opens, keeps and resolves firings, tells the channels unless
// silenced, and publishes alert.fired / alert.resolved on the live bus.
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobdeckClient } from '@jobdeck/api/client';
import { pruneAlertHistory } from '../../packages/workflows/src/jobs/maintenance-cleanup/activities';
import { lastSignOfLife } from '../../packages/workflows/src/jobs/maintenance-stuck-check/activities';
import {
  clientAs,
  db,
  eventually,
  spawnWorker,
  waitForPoller,
  waitForState,
  webhookReceiver,
} from '../support/harness';
import {
  createChannel as createWebhookChannel,
  createRule,
  evaluate as evaluateRules,
  factsOf,
  firingsOf,
  ruleOf,
  stuckCheck,
} from '../support/alert-rules';

const Q = `it-alerts-${process.pid}`;
const QUEUES = { rate: `${Q}-rate`, count: `${Q}-count`, every: `${Q}-every` };
const STUCK_QUEUE = `${Q}-stuck`;

let admin: JobdeckClient;
let worker: ReturnType<typeof spawnWorker>;
const extraWorkers: Array<ReturnType<typeof spawnWorker>> = [];
let refusing: Awaited<ReturnType<typeof webhookReceiver>>;
let accepting: Awaited<ReturnType<typeof webhookReceiver>>;
let subscriber: Redis | undefined;
const events: Array<{ kind: string; ruleId: string; firingId: string; subject: string; queue?: string }> = [];

beforeAll(async () => {
  ({ client: admin } = await clientAs('admin'));
  refusing = await webhookReceiver(() => 400);
  accepting = await webhookReceiver(() => 200);
  worker = spawnWorker(
    Object.values(QUEUES)
      .map((queue) => `${queue}:4`)
      .join(','),
  );
  if (process.env.REDIS_URL) {
    subscriber = new Redis(process.env.REDIS_URL);
    await subscriber.subscribe(`${process.env.JOBDECK_REDIS_PREFIX ?? ''}events`);
    subscriber.on('message', (_channel: string, message: string) => {
      const event = JSON.parse(message) as (typeof events)[number];
      if (event.kind.startsWith('alert.')) events.push(event);
    });
  }
  await waitForPoller(QUEUES.rate, worker);
}, 120_000);

afterAll(async () => {
  for (const child of [worker, ...extraWorkers]) {
    if (child?.exitCode !== null) continue;
    child.kill('SIGCONT');
    child.kill('SIGTERM');
  }
  subscriber?.disconnect();
  await refusing?.close();
  await accepting?.close();
});

async function runJobs(queue: string, url: string, n: number, expected: 'failed' | 'completed') {
  const jobs = await Promise.all(
    Array.from({ length: n }, (_, index) =>
      admin.jobs.enqueue.mutate({ type: 'webhook.deliver', input: { url, payload: { index } }, options: { queue } }),
    ),
  );
  for (const job of jobs) await waitForState(admin, job.id, [expected]);
  return jobs.map((job) => job.id);
}

const evaluate = (ruleIds: string[]) => evaluateRules(admin, ruleIds);
const createChannel = () => createWebhookChannel(accepting.url);

async function published(kind: 'alert.fired' | 'alert.resolved', firingId: string) {
  if (!subscriber) return;
  await eventually(`${kind} for ${firingId} on the live bus`, async () =>
    events.some((event) => event.kind === kind && event.firingId === firingId),
  );
}

describe('alert rules', () => {
  it.concurrent('failure_rate fires above its threshold with enough volume, and resolves when it falls', async () => {
    const channel = await createChannel();
    const rule = await createRule(
      'failure_rate',
      { type: 'webhook.deliver', queue: QUEUES.rate, windowMinutes: 15, thresholdPercent: 50, minVolume: 4 },
      { channelIds: [channel.id] },
    );
    await runJobs(QUEUES.rate, refusing.url, 3, 'failed');
    // 3 finished jobs, fewer than the minimum volume: too few to judge.
    await evaluate([rule.id]);
    expect(await firingsOf(rule.id)).toEqual([]);
    expect(await ruleOf(rule.id)).toMatchObject({ state: 'ok', lastError: null, lastEvaluatedAt: expect.any(Date) });

    await runJobs(QUEUES.rate, accepting.url, 1, 'completed');
    await evaluate([rule.id]);
    const [firing] = await firingsOf(rule.id);
    expect(firing).toMatchObject({
      subject: '',
      severity: 'high',
      resolvedAt: null,
      openKey: `${rule.id}:`,
      notifyCount: 1,
    });
    expect(firing!.message).toBe(
      `webhook.deliver on queue ${QUEUES.rate} failed 3 of 4 jobs (75 %) in 15 min, at or above 50 %`,
    );
    expect(factsOf(firing!)).toMatchObject({ 'Failure rate': '75 %', Failed: '3', Finished: '4', Queue: QUEUES.rate });
    expect((await ruleOf(rule.id)).state).toBe('firing');
    await published('alert.fired', firing!.id);
    const fired = events.find((event) => event.firingId === firing!.id);
    if (subscriber) expect(fired).toMatchObject({ ruleId: rule.id, queue: QUEUES.rate, type: 'webhook.deliver' });
    const notes = await db.alertNotification.findMany({ where: { firingId: firing!.id } });
    expect(notes.map((note) => [note.event, note.channelId])).toEqual([['fired', channel.id]]);
    expect(notes[0]!.content).toMatchObject({ event: 'fired', ruleId: rule.id, title: `[high] Firing: ${rule.name}` });
    // The evaluation started its alerts.notify job, keyed by the notification.
    expect((await db.alertNotification.findUniqueOrThrow({ where: { id: notes[0]!.id } })).jobId).toEqual(
      expect.any(String),
    );

    // Still firing: kept open, told once only (no repeat interval).
    await evaluate([rule.id]);
    expect(await firingsOf(rule.id)).toMatchObject([{ id: firing!.id, resolvedAt: null, notifyCount: 1 }]);

    // 3 of 8 (37.5 %): below the threshold, the firing ends and is told once.
    await runJobs(QUEUES.rate, accepting.url, 4, 'completed');
    await evaluate([rule.id]);
    const [ended] = await firingsOf(rule.id);
    expect(ended).toMatchObject({ id: firing!.id, openKey: null, resolvedAt: expect.any(Date), notifyCount: 2 });
    expect((await ruleOf(rule.id)).state).toBe('ok');
    await published('alert.resolved', firing!.id);
    const events2 = await db.alertNotification.findMany({
      where: { firingId: firing!.id },
      orderBy: { createdAt: 'asc' },
    });
    expect(events2.map((note) => note.event)).toEqual(['fired', 'resolved']);
  });

  it.concurrent('failure_count fires at its count and resolves once the window has passed', async () => {
    const rule = await createRule('failure_count', { queue: QUEUES.count, windowMinutes: 1, threshold: 2 });
    await runJobs(QUEUES.count, refusing.url, 2, 'failed');
    await evaluate([rule.id]);
    const [firing] = await firingsOf(rule.id);
    expect(firing).toMatchObject({
      resolvedAt: null,
      message: `queue ${QUEUES.count}: 2 failed in 1 min, at or above 2`,
    });
    expect((await ruleOf(rule.id)).state).toBe('firing');

    const lastFinished = await db.job.aggregate({ where: { queue: QUEUES.count }, _max: { finishedAt: true } });
    await sleep(Math.max(0, lastFinished._max.finishedAt!.getTime() + 61_000 - Date.now()));
    await evaluate([rule.id]);
    expect(await firingsOf(rule.id)).toMatchObject([{ id: firing!.id, resolvedAt: expect.any(Date), openKey: null }]);
    expect((await ruleOf(rule.id)).state).toBe('ok');
    await published('alert.resolved', firing!.id);
  });

  it.concurrent('every_failure tells each failure once, up to its hourly limit, then one summary', async () => {
    const channel = await createChannel();
    const rule = await createRule(
      'every_failure',
      { type: 'webhook.deliver', maxPerHour: 2 },
      { channelIds: [channel.id] },
    );
    const failed = await runJobs(QUEUES.every, refusing.url, 4, 'failed');
    await evaluate([rule.id]);
    // Each of the test's failures has its firing (other tests' webhook failures may have theirs too).
    const firings = await firingsOf(rule.id);
    const mine = firings.filter((firing) => failed.includes(firing.subject));
    expect(mine).toHaveLength(4);
    for (const firing of mine) {
      expect(firing).toMatchObject({ openKey: null, resolvedAt: expect.any(Date) });
      expect(factsOf(firing)).toMatchObject({ Job: firing.subject, Attempts: '1', Queue: QUEUES.every });
      expect(factsOf(firing).Error).toMatch(/answered 400 Bad Request/);
    }
    const told = firings.filter((firing) => firing.subject !== '(summary)' && firing.notifyCount === 1);
    expect(told).toHaveLength(2);
    const limited = firings.filter((firing) => factsOf(firing).Notification?.startsWith('not sent'));
    expect(limited.length).toBe(firings.length - 1 - told.length);
    expect(limited.length).toBeGreaterThanOrEqual(2);
    const summaries = firings.filter((firing) => firing.subject === '(summary)');
    expect(summaries).toHaveLength(1);
    expect(Number(factsOf(summaries[0]!)['Not told one by one'])).toBeGreaterThanOrEqual(1);
    const notes = await db.alertNotification.findMany({ where: { channelId: channel.id } });
    expect(notes).toHaveLength(3);
    expect(notes.every((note) => note.event === 'fired')).toBe(true);
    for (const firing of told) await published('alert.fired', firing.id);

    // Evaluated again: a failure is never told twice.
    await evaluate([rule.id]);
    expect((await firingsOf(rule.id)).filter((firing) => failed.includes(firing.subject))).toHaveLength(4);
    expect(await db.alertNotification.count({ where: { channelId: channel.id } })).toBe(3);
    expect((await ruleOf(rule.id)).state).toBe('ok');
  });

  it.concurrent(
    'stuck fires while a frozen worker holds a job, and resolves once it moves again',
    async () => {
      const frozen = spawnWorker(`${STUCK_QUEUE}:1`);
      extraWorkers.push(frozen);
      await waitForPoller(STUCK_QUEUE, frozen);
      const rule = await createRule('stuck', { minSeverity: 'low' });
      const { id } = await admin.jobs.enqueue.mutate({
        type: 'data.sync',
        input: { source: 'alerts.stuck', records: 10_000, batchSize: 1, throttleMs: 500 },
        options: { queue: STUCK_QUEUE },
      });
      try {
        await waitForState(admin, id, ['active']);
        frozen.kill('SIGSTOP');
        // Quiet for more than the check's threshold of 1 minute, measured as the check measures it
        // (lastSignOfLife): stuck, at the low severity. Should the frozen job's record still move (a
        // write that was on its way), the wait starts again from there, at most twice.
        for (let wait = 0; wait < 3 && !(await db.jobAlert.findUnique({ where: { jobId: id } })); wait++) {
          const quietSince = lastSignOfLife(await db.job.findUniqueOrThrow({ where: { id } }));
          await sleep(Math.max(0, quietSince.getTime() + 65_000 - Date.now()));
          await stuckCheck(admin);
        }
        expect(await db.jobAlert.findUnique({ where: { jobId: id } })).toMatchObject({
          severity: 'low',
          resolvedAt: null,
        });
        await evaluate([rule.id]);
        const [firing] = await firingsOf(rule.id);
        expect(firing).toMatchObject({ subject: '', resolvedAt: null });
        expect(factsOf(firing!).Worst).toContain(id);
        expect(Number(factsOf(firing!).low)).toBeGreaterThanOrEqual(1);
        await published('alert.fired', firing!.id);

        frozen.kill('SIGCONT');
        await eventually(
          'the job moving again',
          async () => (await db.job.findUniqueOrThrow({ where: { id } })).updatedAt.getTime() > Date.now() - 30_000,
          90_000,
          1_000,
        );
        await stuckCheck(admin);
        expect((await db.jobAlert.findUnique({ where: { jobId: id } }))?.resolvedAt).toEqual(expect.any(Date));
        await evaluate([rule.id]);
        // Resolved unless another test's job is stuck at the same moment (its id would then be the worst).
        const [after] = await firingsOf(rule.id);
        if (after!.resolvedAt === null) expect(factsOf(after!).Worst).not.toContain(id);
        else await published('alert.resolved', firing!.id);
      } finally {
        frozen.kill('SIGCONT');
        await admin.jobs.cancel.mutate({ id }).catch(() => undefined);
      }
    },
    240_000,
  );

  it.concurrent('dependency fires above a share of Postgres connections and resolves below it', async () => {
    const low = await createRule('dependency', { target: 'postgres', maxUsagePercent: 0.01 });
    const high = await createRule('dependency', { target: 'postgres', maxUsagePercent: 100 });
    await evaluate([low.id, high.id]);
    const [firing] = await firingsOf(low.id);
    expect(firing!.message).toMatch(/^Postgres connections in use at [\d.]+ %, at or above 0.01 %$/);
    const inUse = /^(\d+) of (\d+) \(/.exec(factsOf(firing!)['Connections in use']!)!;
    const [row] = await db.$queryRaw<Array<{ max: number }>>`SELECT current_setting('max_connections')::int AS max`;
    expect(Number(inUse[2])).toBe(row!.max);
    expect(Number(inUse[1])).toBeGreaterThan(0);
    expect(await firingsOf(high.id)).toEqual([]);

    await db.alertRule.update({
      where: { id: low.id },
      data: { condition: { target: 'postgres', maxUsagePercent: 100 } },
    });
    await evaluate([low.id]);
    expect(await firingsOf(low.id)).toMatchObject([{ id: firing!.id, resolvedAt: expect.any(Date) }]);
  });

  it.concurrent('a silenced rule records its firing but tells nobody until the silence ends', async () => {
    const channel = await createChannel();
    const rule = await createRule(
      'dependency',
      { target: 'postgres', maxUsagePercent: 0.01 },
      { channelIds: [channel.id], silencedUntil: new Date(Date.now() + 3_600_000) },
    );
    await evaluate([rule.id]);
    const [firing] = await firingsOf(rule.id);
    expect(firing).toMatchObject({ resolvedAt: null, notifyCount: 0, lastNotifiedAt: null });
    expect((await ruleOf(rule.id)).state).toBe('firing');
    expect(await db.alertNotification.count({ where: { firingId: firing!.id } })).toBe(0);
    // The bell still hears of it: the live event goes out whatever the silence.
    await published('alert.fired', firing!.id);

    // The silence ends while the firing lasts: it is told then, as fired.
    await db.alertRule.update({ where: { id: rule.id }, data: { silencedUntil: new Date(Date.now() - 1_000) } });
    await evaluate([rule.id]);
    expect(await firingsOf(rule.id)).toMatchObject([{ id: firing!.id, resolvedAt: null, notifyCount: 1 }]);
    const notes = await db.alertNotification.findMany({ where: { firingId: firing!.id } });
    expect(notes.map((note) => note.event)).toEqual(['fired']);

    // Disabled: not evaluated, its firing ends quietly.
    await db.alertRule.update({ where: { id: rule.id }, data: { enabled: false } });
    await evaluate([rule.id]);
    expect(await firingsOf(rule.id)).toMatchObject([{ resolvedAt: expect.any(Date), openKey: null }]);
    expect(await db.alertNotification.count({ where: { firingId: firing!.id } })).toBe(1);
    expect((await ruleOf(rule.id)).state).toBe('ok');
  });

  it("keep their history for the records' retention: maintenance.cleanup drops firings resolved before it", async () => {
    const rule = await createRule('stuck', { minSeverity: 'critical' }, { channelIds: [] });
    const channel = await createChannel();
    const longAgo = new Date(Date.now() - 40 * 86_400_000);
    const old = { ruleId: rule.id, severity: 'high' as const, message: 'old', facts: [], startedAt: longAgo };
    const resolved = await db.alertFiring.create({ data: { ...old, subject: 'a', resolvedAt: longAgo } });
    const open = await db.alertFiring.create({ data: { ...old, subject: 'b', openKey: `${rule.id}:b` } });
    const recent = await db.alertFiring.create({ data: { ...old, subject: 'c', resolvedAt: new Date() } });
    await db.alertNotification.create({
      data: { firingId: resolved.id, channelId: channel.id, event: 'fired', content: {}, createdAt: longAgo },
    });
    const oldTest = await db.alertNotification.create({
      data: { channelId: channel.id, event: 'test', content: {}, createdAt: longAgo },
    });
    const cutoff = new Date(Date.now() - 30 * 86_400_000);
    expect(await pruneAlertHistory({ db }, cutoff, true)).toBeGreaterThanOrEqual(2);
    expect(await db.alertFiring.count({ where: { ruleId: rule.id } })).toBe(3);
    await pruneAlertHistory({ db }, cutoff, false);
    const left = await db.alertFiring.findMany({ where: { ruleId: rule.id }, select: { id: true } });
    expect(left.map((firing) => firing.id).sort()).toEqual([open.id, recent.id].sort());
    expect(await db.alertNotification.count({ where: { OR: [{ firingId: resolved.id }, { id: oldTest.id }] } })).toBe(
      0,
    );
    await db.alertRule.delete({ where: { id: rule.id } });
    await db.alertChannel.delete({ where: { id: channel.id } });
  });
});
