// Temporal, Postgres or Redis going away under a running API: each test breaks its own instance of
// the dependency, never the shared stack's.
import type { Server } from 'node:http';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createApiServer, createServices, ensureAdmin, listen, loadApiConfig, type Services } from '@jobdeck/api';
import { createEventBus } from '@jobdeck/workflows';
import { startBusHeartbeat, type BusHealthNotice } from '../../apps/api/src/bus-health';
import { db, env, eventually, spawnWorker, waitForPoller } from '../support/harness';
import { ownPostgres, ownRedis, ownTemporal, type OwnService } from '../support/own-services';

interface Instance {
  url: string;
  services: Services;
  server: Server;
}

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

async function apiInstance(overrides: Record<string, string>): Promise<Instance> {
  const services = await createServices(loadApiConfig({ ...process.env, API_PORT: '0', ...overrides }));
  const server = createApiServer(services);
  const port = await listen(server, 0, '127.0.0.1');
  const instance = { url: `http://127.0.0.1:${port}`, services, server };
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await services.close();
  });
  return instance;
}

async function call(instance: Instance, procedure: string, token: string, input?: unknown, method?: 'GET' | 'POST') {
  const started = Date.now();
  const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const get = (method ?? (input === undefined ? 'GET' : 'POST')) === 'GET';
  const url = `${instance.url}/trpc/${procedure}${get && input !== undefined ? `?input=${encodeURIComponent(JSON.stringify(input))}` : ''}`;
  const response = await fetch(url, {
    method: get ? 'GET' : 'POST',
    headers,
    body: get ? undefined : JSON.stringify(input),
  });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) as any, ms: Date.now() - started };
}

async function loginAt(instance: Instance): Promise<string> {
  const response = await fetch(`${instance.url}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: env.adminEmail, password: env.adminPassword }),
  });
  return ((await response.json()) as { result: { data: { token: string } } }).result.data.token;
}

function expectClear503(answer: { status: number; text: string; json: any }) {
  expect(answer.status).toBe(503);
  expect(answer.json.error.data.code).toBe('SERVICE_UNAVAILABLE');
  // No Prisma message, source line, file path or stack.
  expect(answer.text).not.toMatch(/prisma|invocation|\.ts:\d|\/work\/|node_modules|\bat \w+ \(/i);
}

describe('Temporal away', () => {
  it('enqueue, get and stats answer within seconds, reads come from Postgres, nothing starts late, and API and worker reconnect', async () => {
    const temporal: OwnService = await ownTemporal();
    cleanups.push(() => temporal.dispose());
    const queue = `it-temporal-away-${process.pid}`;
    const worker = spawnWorker(`${queue}:4`, { TEMPORAL_ADDRESS: temporal.url });
    cleanups.push(async () => worker.exitCode === null && worker.kill('SIGKILL'));
    await waitForPoller(queue, worker);
    const api = await apiInstance({ TEMPORAL_ADDRESS: temporal.url });
    const token = await loginAt(api);
    const job = (input: object = {}) => ({
      type: 'data.sync',
      input: { source: 'it.temporal-away', records: 10, batchSize: 5 },
      options: { queue, ...input },
    });
    const rows = () => db.job.count({ where: { queue } });

    const before = await call(api, 'jobs.enqueue', token, job());
    expect(before.status).toBe(200);
    const doneId = before.json.result.data.id as string;
    await eventually(
      'the first job to complete',
      async () => (await db.job.findUnique({ where: { id: doneId } }))?.state === 'completed',
      60_000,
    );

    await temporal.stop();
    const enqueue = await call(api, 'jobs.enqueue', token, job());
    const get = await call(api, 'jobs.get', token, { id: doneId }, 'GET');
    const stats = await call(api, 'jobs.stats', token);
    const list = await call(api, 'jobs.list', token, { queue, limit: 5 }, 'GET');
    console.log(
      `Temporal away: enqueue ${enqueue.status} in ${enqueue.ms} ms, get ${get.status} in ${get.ms} ms, stats ${stats.status} in ${stats.ms} ms, list ${list.status} in ${list.ms} ms`,
    );
    expectClear503(enqueue);
    expect(enqueue.ms).toBeLessThan(6_000);
    expect(get.status).toBe(200);
    expect(get.json.result.data).toMatchObject({ id: doneId, state: 'completed', source: 'postgres' });
    expect(get.ms).toBeLessThan(6_000);
    // The counts are the records': they need no Temporal at all.
    expect(stats.status).toBe(200);
    expect(
      stats.json.result.data.types.find((type: { name: string }) => type.name === 'data.sync').counts.completed,
    ).toBeGreaterThan(0);
    expect(stats.ms).toBeLessThan(1_000);
    expect(list.json.result.data.source).toBe('postgres');
    expect(await rows()).toBe(1); // no row for the enqueue that failed

    await temporal.start();
    // Both reconnect by themselves: the API starts the next job, the worker runs it.
    const after = await eventually(
      'an enqueue through the same API',
      async () => {
        const answer = await call(api, 'jobs.enqueue', token, job());
        return answer.status === 200 ? answer : undefined;
      },
      30_000,
      500,
    );
    const afterId = after.json.result.data.id as string;
    await eventually(
      'the job enqueued after the outage to complete',
      async () => (await db.job.findUnique({ where: { id: afterId } }))?.state === 'completed',
      90_000,
    );
    expect(worker.exitCode).toBeNull();
    // Nothing of the failed enqueue was carried out later: only the two answered jobs exist.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await rows()).toBe(2);
  }, 240_000);
});

describe('Postgres away', () => {
  it('answers 503 with a clear code on every authenticated call and logs the outage once, down and back', async () => {
    const postgres = await ownPostgres();
    cleanups.push(() => postgres.dispose());
    const api = await apiInstance({ DATABASE_URL: postgres.url });
    await ensureAdmin(api.services.db, env.adminEmail, env.adminPassword);
    const token = await loginAt(api);
    expect((await call(api, 'jobs.list', token, { limit: 1 }, 'GET')).status).toBe(200);

    const logged: string[] = [];
    const capture = (...args: unknown[]) => void logged.push(args.map(String).join(' '));
    const spies = [
      vi.spyOn(console, 'error').mockImplementation(capture),
      vi.spyOn(console, 'warn').mockImplementation(capture),
      vi.spyOn(console, 'log').mockImplementation(capture),
    ];
    try {
      await postgres.stop();
      const answers = [];
      for (let round = 0; round < 10; round++) {
        answers.push(
          await call(api, 'jobs.list', token, { limit: 5 }, 'GET'),
          await call(api, 'jobs.get', token, { id: 'data.sync-20260101-000000-abcdef' }, 'GET'),
          await call(api, 'tokens.list', token),
          await call(api, 'jobs.enqueue', token, { type: 'data.sync', input: { source: 'it.pg-away', records: 5 } }),
          await call(api, 'auth.me', token),
        );
      }
      for (const answer of answers) expectClear503(answer);
      console.log(
        `Postgres away: ${answers.length} authenticated calls answered 503 SERVICE_UNAVAILABLE, the slowest in ${Math.max(...answers.map((answer) => answer.ms))} ms`,
      );
      expect(Math.max(...answers.map((answer) => answer.ms))).toBeLessThan(6_000);
      // A live stream's credential check must say 503 too, not 401 (which signs the dashboard out).
      const stream = await fetch(`${api.url}/trpc/events.subscribe`, { headers: { authorization: `Bearer ${token}` } });
      expect(stream.status).toBe(503);
      await stream.body?.cancel();

      await postgres.start();
      await eventually(
        'Postgres to answer through the API again',
        async () => (await call(api, 'jobs.list', token, { limit: 1 }, 'GET')).status === 200,
        30_000,
        500,
      );
      await eventually('the "back" line', async () => logged.some((line) => /postgres: back/.test(line)), 10_000);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    const outageLines = logged.filter((line) => !/^api:|listening/.test(line));
    expect(outageLines.filter((line) => /postgres: unreachable/.test(line))).toHaveLength(1);
    expect(outageLines.filter((line) => /postgres: back/.test(line))).toHaveLength(1);
    expect(outageLines.join('\n')).not.toMatch(/\n\s+at /);
    expect(outageLines.length).toBeLessThanOrEqual(3);
  }, 180_000);
});

describe('Redis away', () => {
  it('the event bus says within seconds that live events are unavailable, and live again when Redis is back', async () => {
    const redis = await ownRedis();
    cleanups.push(() => redis.dispose());
    const bus = createEventBus({ redisUrl: redis.url, prefix: `it-bus-${process.pid}:` });
    cleanups.push(() => bus.close());
    const received: Array<{ at: number; notice: BusHealthNotice }> = [];
    const stopHeartbeat = startBusHeartbeat(bus, (notice) => received.push({ at: Date.now(), notice }), 500);
    cleanups.push(async () => stopHeartbeat());
    const unsubscribe = bus.subscribe(() => {});
    cleanups.push(async () => unsubscribe());
    await eventually('a live notice', async () => received.at(-1)?.notice.live === true, 10_000, 100);

    const stoppedAt = Date.now();
    await redis.stop();
    await eventually(
      'a notice that live events are unavailable',
      async () => received.find(({ at, notice }) => at >= stoppedAt && !notice.live),
      5_000,
      100,
    );
    const downAfter = received.find(({ at, notice }) => at >= stoppedAt && !notice.live)!.at - stoppedAt;

    const startedAt = Date.now();
    await redis.start();
    await eventually(
      'a live notice after Redis returned',
      async () => received.find(({ at, notice }) => at >= startedAt && notice.live),
      15_000,
      100,
    );
    const liveAfter = received.find(({ at, notice }) => at >= startedAt && notice.live)!.at - startedAt;
    console.log(
      `Redis away: the bus said "not live" ${downAfter} ms after Redis stopped, live again ${liveAfter} ms after it returned`,
    );
    expect(downAfter).toBeLessThan(5_000);
  }, 60_000);
});
