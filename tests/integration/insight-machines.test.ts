// insight.machines against the real stack: queue backlogs as Temporal itself counts them, a worker
// process reporting itself through Redis (and turning stale once killed), Redis and Postgres figures,
// the history growing; and, on an API of its own, each section failing alone when its source is away.
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobdeckClient } from '@jobdeck/api/client';
import { createServices, loadApiConfig } from '@jobdeck/api';
import { machineInsight, stopSampling, type MachineInsight } from '../../apps/api/src/insight/machines';
import {
  clientAs,
  eventually,
  http,
  spawnWorker,
  temporal,
  temporalCli,
  waitForPoller,
  waitForState,
} from '../support/harness';
import { freePort } from '../support/ports';

// Queues of this test's own: nothing else enqueues on them or polls them.
const IDLE_QUEUE = `it-machines-backlog-${process.pid}`;
const WORKER_QUEUE = `it-machines-worker-${process.pid}`;
const BACKLOG = 4;
const CONCURRENCY = 3;

let viewer: JobdeckClient;
let operator: JobdeckClient;
let first: MachineInsight;
const backlogJobs: string[] = [];
const workers: ReturnType<typeof spawnWorker>[] = [];

beforeAll(async () => {
  ({ client: viewer } = await clientAs('viewer'));
  ({ client: operator } = await clientAs('operator'));
});

afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
  const client = await temporal();
  await Promise.allSettled(backlogJobs.map((id) => client.workflow.getHandle(id).terminate('test over')));
});

const machines = () => viewer.insight.machines.query() as Promise<MachineInsight>;

describe('insight.machines', () => {
  it('answers a viewer with Redis and Postgres figures, and an anonymous caller 401', async () => {
    const started = Date.now();
    first = await machines();
    const took = Date.now() - started;
    console.log(`insight.machines answered in ${took} ms`);
    expect(first.queues).toMatchObject({ available: true, error: null });
    expect(first.queues.items.length).toBeGreaterThan(0);
    expect(first.redis).toMatchObject({ available: true, error: null });
    expect(first.redis.usedMemoryBytes).toBeGreaterThan(0);
    expect(first.redis.connectedClients).toBeGreaterThan(0);
    expect(first.redis.opsPerSecond).toBeGreaterThanOrEqual(0);
    expect(first.postgres).toMatchObject({ available: true, error: null });
    expect(first.postgres.databaseSizeBytes).toBeGreaterThan(0);
    expect(first.postgres.connections).toBeGreaterThan(0);
    expect(first.postgres.tables.length).toBeGreaterThan(0);
    expect(first.postgres.tables.length).toBeLessThanOrEqual(5);
    for (const table of first.postgres.tables) expect(table.totalBytes).toBeGreaterThan(0);
    const sizes = first.postgres.tables.map((table) => table.totalBytes);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(first.workers.available).toBe(true);
    // Every section keeps the sample this call took.
    expect(first.redis.history.length).toBeGreaterThan(0);
    expect(first.postgres.history.length).toBeGreaterThan(0);

    const anonymous = await http('insight.machines');
    expect(anonymous.status).toBe(401);
  });

  it('shows a backlog on a queue no worker polls as Temporal counts it, with its age', async () => {
    for (let n = 0; n < BACKLOG; n++) {
      const job = await operator.jobs.enqueue.mutate({
        type: 'data.sync',
        input: { source: `machines-${n}`, records: 1 },
        options: { queue: IDLE_QUEUE, priority: n === 0 ? 'high' : 'normal' },
      });
      backlogJobs.push(job.id);
    }
    const queue = await eventually('the idle queue listed with its backlog', async () => {
      const answer = await machines();
      const item = answer.queues.items.find((candidate) => candidate.name === IDLE_QUEUE);
      return item && item.workflow.backlogCount >= BACKLOG && item.workflow.backlogAgeSeconds > 0 ? item : undefined;
    });
    expect(queue.pollers).toEqual([]);
    // Per priority: the high one apart from the normal ones, together the whole backlog.
    expect(queue.workflow.byPriority.length).toBe(2);
    expect(queue.workflow.byPriority.reduce((sum, entry) => sum + entry.backlogCount, 0)).toBe(
      queue.workflow.backlogCount,
    );
    expect(queue.workflow.byPriority.every((entry) => entry.backlogAgeSeconds > 0)).toBe(true);
    expect(queue.workflow.addRatePerSecond).toBeGreaterThan(0);
    expect(queue.activity.backlogCount).toBe(0);

    // Temporal's own answer, asked directly and through its CLI.
    const direct = await (
      await temporal()
    ).workflowService.describeTaskQueue({
      namespace: 'default',
      taskQueue: { name: IDLE_QUEUE, kind: 1 },
      taskQueueType: 1,
      reportStats: true,
    });
    expect(Number(direct.stats?.approximateBacklogCount)).toBe(queue.workflow.backlogCount);
    const cli = JSON.parse(
      await temporalCli([
        'task-queue',
        'describe',
        '--task-queue',
        IDLE_QUEUE,
        '--task-queue-type',
        'workflow',
        '-o',
        'json',
      ]),
    ) as { stats: Array<{ approximateBacklogCount: number }> };
    expect(cli.stats[0]?.approximateBacklogCount).toBe(queue.workflow.backlogCount);
  });

  it('lists a worker process with its figures, counts the jobs it ran, and turns it stale once killed', async () => {
    const worker = spawnWorker(`${WORKER_QUEUE}:${CONCURRENCY}`, { JOBDECK_REPORT_INTERVAL_MS: '1000' });
    workers.push(worker);
    await waitForPoller(WORKER_QUEUE, worker);
    const id = `${worker.pid}@${hostname()}`;
    const find = (answer: MachineInsight) => answer.workers.items.find((item) => item.id === id);

    const before = await eventually('the worker reporting', async () => find(await machines()), 10_000);
    expect(before).toMatchObject({ host: hostname(), pid: worker.pid, stale: false, reportIntervalMs: 1_000 });
    expect(before.queues.find((queue) => queue.name === WORKER_QUEUE)).toEqual({
      name: WORKER_QUEUE,
      slotsUsed: 0,
      slotsAvailable: CONCURRENCY,
    });
    expect(before.rssBytes).toBeGreaterThan(20 * 1024 * 1024);
    expect(before.heapUsedBytes).toBeGreaterThan(1024 * 1024);
    expect(before.rssBytes).toBeGreaterThan(before.heapUsedBytes);
    expect(before.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(before.eventLoopDelayMs.p99).toBeGreaterThanOrEqual(before.eventLoopDelayMs.p50);
    expect(Date.parse(before.lastSeenAt)).toBeGreaterThanOrEqual(Date.parse(before.startedAt));
    expect(Date.now() - Date.parse(before.lastSeenAt)).toBeLessThan(5_000);

    const jobs = [];
    for (let n = 0; n < 2; n++)
      jobs.push(
        await operator.jobs.enqueue.mutate({
          type: 'data.sync',
          input: { source: `machines-worker-${n}`, records: 1 },
          options: { queue: WORKER_QUEUE },
        }),
      );
    for (const job of jobs) await waitForState(operator, job.id, ['completed']);
    const after = await eventually(
      'the jobs counted in a report',
      async () => {
        const item = find(await machines());
        return item && item.jobsDone >= before.jobsDone + 2 && item.activitiesDone >= before.activitiesDone + 2
          ? item
          : undefined;
      },
      10_000,
    );
    expect(after.history.length).toBeGreaterThan(before.history.length);
    expect(after.history.at(-1)?.at).toBe(after.lastSeenAt);

    // Temporal lists the process as a poller of its queue, and (this server offers it) in its own worker heartbeats.
    // (A queue is listed once jobs were enqueued on it: the known queues are cached for a few seconds.)
    const queue = await eventually('the worker queue listed', async () =>
      (await machines()).queues.items.find((item) => item.name === WORKER_QUEUE),
    );
    expect(queue.pollers.map((poller) => poller.identity)).toContain(id);
    expect(queue.pollers.map((poller) => poller.kind).sort()).toEqual(expect.arrayContaining(['activity', 'workflow']));
    expect(queue.activity.backlogCount).toBe(0);
    const heartbeat = await eventually('a Temporal worker heartbeat of the process', async () =>
      (await machines()).temporalWorkerHeartbeats.items.find(
        (item) => item.taskQueue === WORKER_QUEUE && item.identity === id,
      ),
    );
    expect(heartbeat).toMatchObject({ pid: worker.pid, status: 'running' });
    expect(heartbeat.activitySlots?.available).toBe(CONCURRENCY);

    worker.kill('SIGKILL');
    const stale = await eventually('the killed worker stale', async () => find(await machines())?.stale, 15_000);
    expect(stale).toBe(true);
    // Its report expires about a minute after the last one: it then disappears from the answer.
    const redis = new Redis(process.env.REDIS_URL!);
    try {
      const ttl = await redis.pttl(`${process.env.JOBDECK_REDIS_PREFIX ?? 'jobdeck:'}machines:worker:${id}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    } finally {
      redis.disconnect();
    }
  });

  it('keeps a history that grows across calls', async () => {
    const grown = await eventually(
      'a new sample in every history',
      async () => {
        const answer = await machines();
        // The idle queue is sampled once the API knows it (its list of queues is cached for 5 s).
        const idleSampled = answer.queues.items.some((item) => item.name === IDLE_QUEUE && item.history.length > 0);
        return answer.redis.history.length > first.redis.history.length &&
          answer.postgres.history.length > first.postgres.history.length &&
          idleSampled
          ? answer
          : undefined;
      },
      30_000,
      1_000,
    );
    expect(grown.redis.history.length).toBeLessThanOrEqual(60);
    const times = grown.redis.history.map((point) => Date.parse(point.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const idle = grown.queues.items.find((item) => item.name === IDLE_QUEUE);
    expect(idle?.history.at(-1)?.backlog).toBeGreaterThanOrEqual(BACKLOG);
  });

  it('answers every other section when Temporal and Redis are away', async () => {
    const closed = await freePort();
    const services = await createServices(
      loadApiConfig({
        ...process.env,
        API_PORT: '0',
        TEMPORAL_ADDRESS: `127.0.0.1:${closed}`,
        JOBDECK_TEMPORAL_DEADLINE_MS: '1000',
        REDIS_URL: `redis://127.0.0.1:${closed}`,
      }),
    );
    try {
      const started = Date.now();
      const answer = await machineInsight(services);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(answer.queues.available).toBe(false);
      expect(answer.queues.error).toMatch(/^Temporal did not answer: /);
      expect(answer.workers).toMatchObject({ available: false, items: [] });
      expect(answer.workers.error).toMatch(/^Redis did not answer: /);
      expect(answer.redis).toMatchObject({ available: false, usedMemoryBytes: null });
      expect(answer.temporalWorkerHeartbeats.supported).toBe(false);
      expect(answer.postgres.available).toBe(true);
      expect(answer.postgres.databaseSizeBytes).toBeGreaterThan(0);
      // Without Redis, the history is this process's own.
      expect(answer.postgres.history.length).toBe(1);
    } finally {
      stopSampling(services);
      // The calls to the absent Temporal end at their deadline (1 s): closed before, a pending retry would throw.
      await sleep(1_500);
      await services.close();
    }
  });
});
