// Live events for everything (issue 12): besides job updates and logs, a stream carries a job's
// lifecycle (added, completed, failed), progress, queue pauses and resumes, queue stats and alerts,
// each to the streams narrowed to it (a job, a queue, a job type, kinds of events) and to no other.
// Alerts both as the worker publishes them (on Redis) and from a real firing of alerts.evaluate.
// Health changes are tested on their flip logic (apps/api/test/unit/live-events.test.ts) and in the
// Postgres drill (tests/drills/postgres-away.test.ts): flipping a dependency here would break the
// stack the other tests share.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventBus, type EventBus } from '@jobdeck/workflows';
import type { JobdeckClient } from '@jobdeck/api/client';
import { clientAs, db, eventually, waitForState, webhookReceiver } from '../support/harness';
import { createRule, evaluate } from '../support/alert-rules';

interface Received {
  kind: string;
  jobId?: string;
  state?: string;
  lifecycle?: string;
  progress?: { percent: number };
  queue?: string;
  type?: string;
  by?: string;
  reason?: string | null;
  firingId?: string;
  message?: string;
  backlog?: number;
  workers?: number;
  paused?: boolean;
  events?: Received[];
}

let operator: JobdeckClient;
let viewer: JobdeckClient;
let admin: JobdeckClient;
const open: Array<{ unsubscribe(): void }> = [];
const suffix = randomBytes(4).toString('hex');

/** A viewer's stream, as the dashboard opens it; resolves once it runs. */
async function stream(input: Record<string, unknown>): Promise<Received[]> {
  const received: Received[] = [];
  await new Promise<void>((resolve, reject) => {
    open.push(
      viewer.events.subscribe.subscribe({ batch: true, ...input } as never, {
        onStarted: () => resolve(),
        onData: (data) => received.push(data as Received),
        onError: reject,
      }),
    );
  });
  return received;
}

/** The events received, batches opened, the stream's own notices (`live.health`) left out. */
const flat = (messages: Received[]) =>
  messages
    .flatMap((message) => (message.kind === 'batch' ? message.events! : [message]))
    .filter((message) => !message.kind.startsWith('live.'));
const lifecyclesOf = (messages: Received[], jobId: string) =>
  flat(messages)
    .filter((event) => event.jobId === jobId && event.lifecycle)
    .map((event) => event.lifecycle);
const has = (messages: Received[], test: (event: Received) => boolean) => flat(messages).some(test);

beforeAll(async () => {
  ({ client: operator } = await clientAs('operator'));
  ({ client: viewer } = await clientAs('viewer'));
  ({ client: admin } = await clientAs('admin'));
});

afterAll(() => {
  for (const subscription of open) subscription.unsubscribe();
});

describe('live events: job lifecycle and progress', () => {
  it('added and completed reach streams narrowed by job, queue and type; progress by queue', async () => {
    const jobId = `data.sync-key-live-events-${suffix}`;
    const byId = await stream({ jobId });
    const byQueue = await stream({ queue: 'sync', kinds: ['state'] });
    const byType = await stream({ type: 'data.sync', kinds: ['state'] });
    const progressByQueue = await stream({ queue: 'sync', kinds: ['progress'] });
    const otherQueue = await stream({ queue: 'reports', kinds: ['state', 'progress'] });
    const otherType = await stream({ type: 'report.generate', kinds: ['state'] });
    const alertsOnly = await stream({ kinds: ['alert'] });

    const job = await operator.jobs.enqueue.mutate({
      type: 'data.sync',
      input: { source: 'it.live-events', records: 30, batchSize: 10, throttleMs: 30 },
      options: { idempotencyKey: `live-events-${suffix}` },
    });
    expect(job.id).toBe(jobId);

    await eventually(
      'added and completed on the job, queue and type streams',
      async () =>
        [byId, byQueue, byType].every(
          (messages) =>
            lifecyclesOf(messages, jobId).includes('added') && lifecyclesOf(messages, jobId).includes('completed'),
        ),
      90_000,
    );
    // In this order. (`added` is at least once: should the worker write the record before the API, both tell it.)
    expect([...new Set(lifecyclesOf(byQueue, jobId))]).toEqual(['added', 'completed']);
    const added = flat(byId).find((event) => event.lifecycle === 'added')!;
    expect(added).toMatchObject({ kind: 'job.updated', jobId, queue: 'sync', type: 'data.sync' });
    expect(flat(byId).find((event) => event.lifecycle === 'completed')).toMatchObject({ state: 'completed' });
    await eventually(
      'its progress on the queue stream',
      async () => has(progressByQueue, (event) => event.jobId === jobId && event.progress?.percent === 100),
      10_000,
    );
    // A progress stream gets no state changes; streams narrowed elsewhere get nothing of this job.
    expect(flat(progressByQueue).every((event) => event.progress && !event.state)).toBe(true);
    for (const elsewhere of [otherQueue, otherType, alertsOnly])
      expect(flat(elsewhere).filter((event) => event.jobId === jobId)).toEqual([]);
  });

  it('failed reaches streams narrowed by job, queue and type', async () => {
    const receiver = await webhookReceiver(() => 400);
    try {
      const key = `live-events-failing-${suffix}`;
      const jobId = `webhook.deliver-key-${key}`;
      const byId = await stream({ jobId });
      const byQueue = await stream({ queue: 'webhooks', kinds: ['state'] });
      const byType = await stream({ type: 'webhook.deliver', kinds: ['state'] });
      const otherType = await stream({ type: 'data.sync', kinds: ['state'] });
      await operator.jobs.enqueue.mutate({
        type: 'webhook.deliver',
        input: { url: receiver.url, payload: { event: 'live.events' } },
        options: { idempotencyKey: key },
      });
      await eventually(
        'failed on the job, queue and type streams',
        async () => [byId, byQueue, byType].every((messages) => lifecyclesOf(messages, jobId).includes('failed')),
        60_000,
      );
      expect([...new Set(lifecyclesOf(byType, jobId))]).toEqual(['added', 'failed']);
      expect(flat(byId).find((event) => event.lifecycle === 'failed')).toMatchObject({ state: 'failed' });
      expect(flat(otherType).filter((event) => event.jobId === jobId)).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});

describe('live events: queues', () => {
  it('paused and resumed reach the streams of that queue, with who and why', async () => {
    const queue = `it-live-events-${suffix}`;
    const byQueue = await stream({ queue, kinds: ['queue'] });
    const allQueues = await stream({ kinds: ['queue'] });
    const otherQueue = await stream({ queue: 'sync', kinds: ['queue'] });
    const sameQueueJobsOnly = await stream({ queue, kinds: ['state'] });
    const followsJob = await stream({ jobId: `data.sync-key-nothing-${suffix}` });

    await operator.queues.pause.mutate({ queue, note: 'live events test' });
    await operator.queues.resume.mutate({ queue });
    const mine = (messages: Received[]) =>
      flat(messages).filter((event) => event.queue === queue && event.kind !== 'queue.stats');
    await eventually(
      'paused then resumed on the queue streams',
      async () => [byQueue, allQueues].every((messages) => mine(messages).length >= 2),
      10_000,
    );
    expect(mine(byQueue)).toEqual([
      expect.objectContaining({ kind: 'queue.paused', queue, by: expect.any(String), reason: 'live events test' }),
      expect.objectContaining({ kind: 'queue.resumed', queue, reason: null }),
    ]);
    expect(mine(byQueue)[0]!.by).toMatch(/operator/i);
    for (const elsewhere of [otherQueue, sameQueueJobsOnly, followsJob]) expect(mine(elsewhere)).toEqual([]);
  });

  it('queue stats arrive every few seconds for a known queue, only on streams asking for them', async () => {
    const sync = await stream({ queue: 'sync', kinds: ['queue'] });
    const reports = await stream({ queue: 'reports', kinds: ['queue'] });
    const jobsOnly = await stream({ queue: 'sync', kinds: ['state'] });
    await eventually(
      'stats of the sync queue',
      async () => has(sync, (event) => event.kind === 'queue.stats') && has(reports, (e) => e.kind === 'queue.stats'),
      20_000,
    );
    const stats = flat(sync).find((event) => event.kind === 'queue.stats')!;
    expect(stats).toMatchObject({ queue: 'sync', paused: false });
    expect(stats.backlog).toBeGreaterThanOrEqual(0);
    // The stack's worker polls the default queues.
    expect(stats.workers).toBeGreaterThanOrEqual(1);
    expect(flat(sync).every((event) => event.queue === 'sync')).toBe(true);
    expect(flat(reports).every((event) => event.queue === 'reports')).toBe(true);
    expect(flat(jobsOnly).filter((event) => event.kind.startsWith('queue.'))).toEqual([]);
  });
});

describe('live events: alerts', () => {
  let bus: EventBus;
  beforeAll(() => {
    if (!process.env.REDIS_URL) throw new Error('alert events are published on Redis, as the worker does');
    bus = createEventBus({ redisUrl: process.env.REDIS_URL, prefix: process.env.JOBDECK_REDIS_PREFIX ?? 'jobdeck:' });
  });
  afterAll(() => bus?.close());

  it('fired and resolved reach the bell, and streams narrowed to their queue or type only', async () => {
    const queue = `it-live-alerts-${suffix}`;
    const bell = await stream({ kinds: ['alert'] });
    const byQueue = await stream({ queue, kinds: ['alert'] });
    const byType = await stream({ type: 'webhook.deliver', kinds: ['alert'] });
    const otherQueue = await stream({ queue: 'sync', kinds: ['alert'] });
    const jobsOnly = await stream({});
    const withoutAlerts = await stream({ queue, kinds: ['queue', 'state'] });

    const base = {
      ruleId: `rule-${suffix}`,
      ruleName: 'it live alert',
      ruleKind: 'queue_backlog',
      severity: 'high' as const,
      message: 'backlog over 10; see https://hooks.example/x?token=sekret-live-events',
    };
    const at = () => new Date().toISOString();
    // As the alerts.evaluate job publishes them: one about a queue, one about a type, one about neither.
    await bus.publish({ kind: 'alert.fired', firingId: `q-${suffix}`, subject: queue, queue, ...base, at: at() });
    await bus.publish({
      kind: 'alert.fired',
      firingId: `t-${suffix}`,
      subject: 'webhook.deliver',
      type: 'webhook.deliver',
      ...base,
      at: at(),
    });
    await bus.publish({ kind: 'alert.fired', firingId: `g-${suffix}`, subject: 'postgres', ...base, at: at() });
    await bus.publish({ kind: 'alert.resolved', firingId: `q-${suffix}`, subject: queue, queue, ...base, at: at() });

    const mine = (messages: Received[]) =>
      flat(messages)
        .filter((event) => event.firingId?.endsWith(suffix))
        .map((event) => `${event.kind}:${event.firingId!.slice(0, 1)}`);
    await eventually('the four alert events on the bell', async () => mine(bell).length === 4, 10_000);
    await eventually('the narrowed streams', async () => mine(byQueue).length === 2 && mine(byType).length === 1);
    expect(mine(bell)).toEqual(['alert.fired:q', 'alert.fired:t', 'alert.fired:g', 'alert.resolved:q']);
    expect(mine(byQueue)).toEqual(['alert.fired:q', 'alert.resolved:q']);
    expect(mine(byType)).toEqual(['alert.fired:t']);
    for (const elsewhere of [otherQueue, jobsOnly, withoutAlerts]) expect(mine(elsewhere)).toEqual([]);
    // Redacted like job events: an alert message may quote a URL with a token.
    expect(JSON.stringify(bell)).not.toContain('sekret-live-events');
    expect(flat(bell).find((event) => event.firingId === `q-${suffix}`)).toMatchObject({
      ruleName: 'it live alert',
      severity: 'high',
      queue,
    });
  });
  it('a real firing of the alerts.evaluate job reaches the bell and the streams of its queue and type', async () => {
    const refusing = await webhookReceiver(() => 400);
    const bell = await stream({ kinds: ['alert'] });
    const byQueue = await stream({ queue: 'webhooks', kinds: ['alert'] });
    const byType = await stream({ type: 'webhook.deliver', kinds: ['alert'] });
    const otherType = await stream({ type: 'data.sync', kinds: ['alert'] });
    const rule = await createRule('failure_count', {
      type: 'webhook.deliver',
      queue: 'webhooks',
      windowMinutes: 15,
      threshold: 1,
    });
    try {
      // One failure of its own in the window, whatever ran before.
      const { id } = await operator.jobs.enqueue.mutate({
        type: 'webhook.deliver',
        input: { url: refusing.url, payload: { event: 'live.events.alert' } },
      });
      await waitForState(operator, id, ['failed']);
      await evaluate(admin, [rule.id]);
      const ofRule = (messages: Received[], kind: string) =>
        flat(messages).filter((event) => event.kind === kind && (event as { ruleId?: string }).ruleId === rule.id);
      await eventually(
        'alert.fired on the bell, queue and type streams',
        async () => [bell, byQueue, byType].every((messages) => ofRule(messages, 'alert.fired').length > 0),
        20_000,
      );
      expect(ofRule(bell, 'alert.fired')[0]).toMatchObject({ queue: 'webhooks', type: 'webhook.deliver' });
      // The condition no longer holds: the next evaluation resolves the firing.
      await db.alertRule.update({
        where: { id: rule.id },
        data: { condition: { type: 'webhook.deliver', queue: 'webhooks', windowMinutes: 15, threshold: 1_000_000 } },
      });
      await evaluate(admin, [rule.id]);
      await eventually(
        'alert.resolved on the bell, queue and type streams',
        async () => [bell, byQueue, byType].every((messages) => ofRule(messages, 'alert.resolved').length > 0),
        20_000,
      );
      expect(ofRule(otherType, 'alert.fired')).toEqual([]);
      expect(ofRule(otherType, 'alert.resolved')).toEqual([]);
    } finally {
      await refusing.close();
      // Not left for the every-minute evaluation of the stack, nor for other tests' bells.
      await db.alertRule.update({ where: { id: rule.id }, data: { enabled: false } }).catch(() => undefined);
    }
  });
});
