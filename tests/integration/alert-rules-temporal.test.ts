/**
 * The alert rules read from Temporal: a queue's backlog (a real paused queue with jobs waiting),
 * no worker polling a queue (a real worker killed), a schedule's run failed or missed (real runs of
 * a real schedule). Each rule is evaluated by a real `alerts.evaluate` job, and the firings it
 * opens and resolves are read back from Postgres.
 */
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobdeckClient } from '@jobdeck/api/client';
import { ALERT_CONDITIONS, type AlertCondition } from '@jobdeck/workflows/alerts';
import type { AlertRuleKind } from '@jobdeck/workflows/vocabulary';
import { EVALUATORS, type Observation } from '../../packages/workflows/src/alerts/evaluate/kinds';
import { ConditionUnreadable } from '../../packages/workflows/src/alerts/evaluate/kinds/types';
import type { ActivityDeps } from '../../packages/workflows/src/runtime/activity-deps';
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

const tag = Date.now().toString(36);
let admin: JobdeckClient;
let operator: JobdeckClient;
const workers: ReturnType<typeof spawnWorker>[] = [];
const schedules: string[] = [];
const ruleIds: string[] = [];
let rulesMade = 0;
beforeAll(async () => {
  ({ client: admin } = await clientAs('admin'));
  ({ client: operator } = await clientAs('operator'));
});

afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
  for (const id of schedules) await admin.schedules.delete.mutate({ id }).catch(() => undefined);
  await db.alertRule.deleteMany({ where: { id: { in: ruleIds } } });
  await db.$disconnect();
});

async function createRule<K extends AlertRuleKind>(kind: K, condition: AlertCondition<K> | Record<string, unknown>) {
  const rule = await db.alertRule.create({
    data: {
      name: `it ${kind} ${tag} ${rulesMade++}`,
      kind,
      condition: ALERT_CONDITIONS[kind].parse(condition) as object,
      createdBy: 'test',
    },
  });
  ruleIds.push(rule.id);
  return rule.id;
}

/** The worker's services as far as these evaluators use them: real Temporal, Postgres and Redis. */
async function realDeps(temporalClient?: Client): Promise<ActivityDeps> {
  return {
    db,
    temporal: temporalClient ?? (await temporal()),
    namespace: 'default',
    alerting: {
      dashboardUrl: null,
      encryptionKeys: undefined as never,
      redisUrl: process.env.REDIS_URL || null,
      redisPrefix: process.env.JOBDECK_REDIS_PREFIX ?? 'jobdeck:',
      smtpUrl: null,
      mailFrom: 'jobdeck@localhost',
    },
  } as unknown as ActivityDeps;
}

/** Calls the rule's evaluator as the engine does, and records the evaluation time the way it does. */
async function observe(id: string, deps?: ActivityDeps): Promise<Observation[]> {
  const rule = await db.alertRule.findUniqueOrThrow({ where: { id } });
  const kind = rule.kind as AlertRuleKind;
  const now = new Date();
  const evaluator = EVALUATORS[kind] as (...args: unknown[]) => Promise<Observation[]>;
  const observations = await evaluator(
    { deps: deps ?? (await realDeps()), now },
    {
      id,
      name: rule.name,
      condition: ALERT_CONDITIONS[kind].parse(rule.condition),
      lastEvaluatedAt: rule.lastEvaluatedAt,
    },
  );
  await db.alertRule.update({ where: { id }, data: { lastEvaluatedAt: now } });
  return observations;
}

const factsOf = (facts: unknown) =>
  Object.fromEntries((facts as Array<{ label: string; value: string }>).map((fact) => [fact.label, fact.value]));

/**
 * One evaluation of the rule by a real `alerts.evaluate` job, then its open firings in Postgres: the
 * active subjects with their facts. (The built-in schedule evaluates every rule each minute too.)
 */
async function evaluate(id: string): Promise<Map<string, Record<string, string>>> {
  const job = await admin.jobs.enqueue.mutate({ type: 'alerts.evaluate', input: { ruleIds: [id] } });
  await waitForState(admin, job.id, ['completed']);
  const open = await db.alertFiring.findMany({ where: { ruleId: id, resolvedAt: null } });
  return new Map(open.map((firing) => [firing.subject, factsOf(firing.facts)]));
}

/** Evaluates until the subject is active (or not), Temporal's figures being a few seconds late. */
function evaluatedUntil(id: string, subject: string, active: boolean, timeoutMs = 60_000) {
  return eventually(
    `rule ${id} ${active ? 'firing' : 'resolved'} for ${subject}`,
    async () => {
      const found = await evaluate(id);
      return found.has(subject) === active ? (found.get(subject) ?? {}) : undefined;
    },
    timeoutMs,
    2_000,
  );
}

async function expectRuleState(id: string, state: 'ok' | 'firing') {
  expect((await db.alertRule.findUniqueOrThrow({ where: { id } })).state).toBe(state);
}

function startWorker(queues: string) {
  const worker = spawnWorker(queues);
  workers.push(worker);
  return worker;
}

async function kill(worker: ReturnType<typeof spawnWorker>) {
  worker.kill('SIGKILL');
  if (worker.exitCode === null) await new Promise((resolve) => worker.once('exit', resolve));
}

describe('alert rules from Temporal: queues', () => {
  it.concurrent(
    'backlog fires on a paused queue with jobs waiting and resolves once drained; no_workers fires a minute after the last worker is killed and resolves when one polls again',
    async () => {
      const backlogQueue = `it-backlog-${tag}`;
      const idleQueue = `it-idle-${tag}`;
      const first = startWorker(idleQueue);
      await waitForPoller(idleQueue, first);
      const noWorkers = await createRule('no_workers', { queue: idleQueue, forMinutes: 1 });
      // The stack's own worker polls `reports` and sits idle there: its long polls never look like an absence.
      const control = await createRule('no_workers', { queue: 'reports', forMinutes: 1 });
      const backlog = await createRule('backlog', { queue: backlogQueue, maxBacklog: 2 });

      expect((await evaluate(noWorkers)).size).toBe(0);
      await kill(first);
      const killedAt = Date.now();

      // A paused queue with 4 jobs waiting (and no worker yet: they wait as workflow tasks).
      await operator.queues.pause.mutate({ queue: backlogQueue, note: 'alert rule test' });
      const jobs = await Promise.all(
        Array.from({ length: 4 }, (_, n) =>
          operator.jobs.enqueue.mutate({
            type: 'data.sync',
            input: { source: `it.backlog.${n}`, records: 1 },
            options: { queue: backlogQueue },
          }),
        ),
      );
      const fired = await evaluatedUntil(backlog, backlogQueue, true);
      expect(Number(fired['Waiting tasks'])).toBeGreaterThan(2);
      expect(fired).toMatchObject({ Queue: backlogQueue, Paused: 'yes', 'Threshold (tasks)': '2' });
      await expectRuleState(backlog, 'firing');
      const backlogFiring = await db.alertFiring.findFirstOrThrow({ where: { ruleId: backlog, resolvedAt: null } });
      expect(backlogFiring.message).toMatch(
        new RegExp(`^Queue ${backlogQueue} \\(paused\\): \\d+ waiting tasks, at or above 2`),
      );

      // Not before a minute (plus the minute an idle poll can last) has passed without a poll.
      expect((await evaluate(noWorkers)).size).toBe(0);
      const quiet = await evaluatedUntil(noWorkers, idleQueue, true, 200_000);
      expect(Date.now() - killedAt).toBeGreaterThan(60_000);
      expect(quiet['Last poller']).toBe(`${first.pid}@${quiet['Last poller']!.split('@')[1]}`);
      expect(quiet).toMatchObject({ Queue: idleQueue, Threshold: '1 min' });
      expect(Date.parse(quiet['Last seen']!)).toBeLessThanOrEqual(killedAt);
      await expectRuleState(noWorkers, 'firing');

      // One worker for both queues: the idle one has a poller again, the paused one resumes and drains.
      await operator.queues.resume.mutate({ queue: backlogQueue });
      const second = startWorker(`${backlogQueue},${idleQueue}`);
      await waitForPoller(backlogQueue, second);
      await evaluatedUntil(noWorkers, idleQueue, false);
      await expectRuleState(noWorkers, 'ok');
      for (const job of jobs) await waitForState(operator, job.id, ['completed'], 90_000);
      await evaluatedUntil(backlog, backlogQueue, false);
      await expectRuleState(backlog, 'ok');
      await kill(second);

      // Evaluated every minute by the built-in schedule all along (over two minutes): never fired.
      expect((await evaluate(control)).size).toBe(0);
      expect(await db.alertFiring.count({ where: { ruleId: control } })).toBe(0);
    },
    300_000,
  );

  it.concurrent('a queue rule cannot be read while Temporal is unreachable', async () => {
    const rule = await createRule('backlog', { queue: `it-away-${tag}`, maxOldestWaitSeconds: 60 });
    const away = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 1_000 }) });
    await expect(observe(rule, await realDeps(away))).rejects.toBeInstanceOf(ConditionUnreadable);
  });
});

describe('alert rules from Temporal: schedules', () => {
  it.concurrent(
    "fires when a schedule's run fails and resolves when a later run succeeds; an all-schedules rule sees it too",
    async () => {
      let status = 400;
      const receiver = await webhookReceiver(() => status);
      try {
        const { id } = await admin.schedules.create.mutate({
          name: `IT alert failing ${tag}`,
          type: 'webhook.deliver',
          input: { url: receiver.url, payload: { it: tag } },
          cron: ['0 0 1 1 *'],
          paused: true,
        });
        schedules.push(id);
        const one = await createRule('schedule', { scheduleId: id, on: ['failed'] });
        const all = await createRule('schedule', { on: ['failed'] });
        expect((await evaluate(one)).size).toBe(0);

        await admin.schedules.trigger.mutate({ id });
        const failedRun = await eventually('the failed run', async () => {
          const record = await db.job.findFirst({ where: { scheduleId: id, state: 'failed' } });
          return record ?? undefined;
        });
        const fired = await evaluatedUntil(one, id, true);
        expect(fired).toMatchObject({ 'Newest finished run': failedRun.id, 'Its outcome': 'failed' });
        expect(fired.Schedule).toContain(id);
        await expectRuleState(one, 'firing');
        await evaluatedUntil(all, id, true);

        status = 200;
        await admin.schedules.trigger.mutate({ id });
        await eventually(
          'the completed run',
          async () => (await db.job.findFirst({ where: { scheduleId: id, state: 'completed' } })) ?? undefined,
        );
        await evaluatedUntil(one, id, false);
        await expectRuleState(one, 'ok');
        await evaluatedUntil(all, id, false);
      } finally {
        await receiver.close();
      }
    },
    120_000,
  );

  it.concurrent(
    'fires when a run is skipped because the previous one still runs, and resolves at the next evaluation',
    async () => {
      const { id } = await admin.schedules.create.mutate({
        name: `IT alert skipped ${tag}`,
        type: 'data.sync',
        // About 10 s: long enough for a second trigger to find it running.
        input: { source: `it.skip.${tag}`, records: 10, batchSize: 1, throttleMs: 1_000 },
        cron: ['0 0 1 1 *'],
        overlap: 'skip',
        paused: true,
      });
      schedules.push(id);
      const rule = await createRule('schedule', { scheduleId: id, on: ['missed'] });
      expect((await evaluate(rule)).size).toBe(0);

      await admin.schedules.trigger.mutate({ id, overlap: 'skip' });
      await eventually('the first run running', async () =>
        (await admin.schedules.get.query({ id })).runningJobIds.length ? true : undefined,
      );
      await admin.schedules.trigger.mutate({ id, overlap: 'skip' });
      const handle = (await temporal()).schedule.getHandle(id);
      await eventually('a skipped run', async () => (await handle.describe()).info.numActionsSkippedOverlap >= 1);

      // This evaluation or the built-in one of this minute saw the skip: a firing opened with it, and
      // the next evaluation that finds no new skip resolves it.
      await evaluate(rule);
      const firing = await db.alertFiring.findFirstOrThrow({ where: { ruleId: rule, subject: id } });
      expect(factsOf(firing.facts)).toMatchObject({ 'Skipped (previous run still running)': '1' });
      expect(firing.message).toMatch(/1 run\(s\) missed or skipped/);
      expect((await evaluate(rule)).size).toBe(0);
      await expectRuleState(rule, 'ok');
      const ended = await db.alertFiring.findUniqueOrThrow({ where: { id: firing.id } });
      expect(ended.resolvedAt).not.toBeNull();
    },
    120_000,
  );

  it.concurrent('a rule on a deleted schedule cannot be read; an all-schedules rule just leaves it out', async () => {
    const { id } = await admin.schedules.create.mutate({
      name: `IT alert deleted ${tag}`,
      type: 'data.sync',
      input: { source: `it.gone.${tag}`, records: 1 },
      cron: ['0 0 1 1 *'],
      paused: true,
    });
    await admin.schedules.delete.mutate({ id });
    const rule = await createRule('schedule', { scheduleId: id });
    await expect(observe(rule)).rejects.toBeInstanceOf(ConditionUnreadable);
    // Through the engine: the rule says why, and keeps its (no) firings.
    await evaluate(rule);
    const stored = await db.alertRule.findUniqueOrThrow({ where: { id: rule } });
    expect(stored.lastError).toContain(`schedule ${id} does not exist`);
    const all = await createRule('schedule', {});
    expect((await observe(all)).map((o) => o.subject)).not.toContain(id);
  });
});
