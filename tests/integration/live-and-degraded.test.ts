import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createApiServer,
  createJobdeckClient,
  createServices,
  listen,
  loadApiConfig,
  type Services,
} from '@jobdeck/api';
import type { JobdeckClient } from '@jobdeck/api/client';
import { defaultQueues, jobTypes } from '@jobdeck/workflows';
import { clientAs, env, eventually, login, waitForState } from '../support/harness';

interface Instance {
  url: string;
  services: Services;
  server: Server;
}

/** A second API process's worth of API, in this process, with its own Redis setting. */
async function apiInstance(redisUrl: string): Promise<Instance> {
  const services = await createServices(loadApiConfig({ ...process.env, REDIS_URL: redisUrl, API_PORT: '0' }));
  const server = createApiServer(services);
  const port = await listen(server, 0, '127.0.0.1');
  return { url: `http://127.0.0.1:${port}`, services, server };
}

async function close(instance: Instance) {
  instance.server.closeAllConnections();
  await new Promise((resolve) => instance.server.close(resolve));
  await instance.services.close();
}

let operator: JobdeckClient;
const instances: Instance[] = [];

beforeAll(async () => {
  ({ client: operator } = await clientAs('operator'));
});

afterAll(async () => {
  await Promise.all(instances.map(close));
});

describe('live events', () => {
  it('reach a subscriber on another API instance through Redis, progress first and the outcome last', async () => {
    if (!process.env.REDIS_URL) return expect.fail('the live-event test needs Redis');
    const other = await apiInstance(process.env.REDIS_URL);
    instances.push(other);
    const subscriber = createJobdeckClient({ url: other.url, token: await login() });
    expect((await subscriber.system.info.query()).liveUpdates).toBe(true);

    const events: Array<{ kind: string; jobId: string; state?: string; progress?: { percent: number } }> = [];
    let ready!: () => void;
    const started = new Promise<void>((resolve) => (ready = resolve));
    const subscription = subscriber.events.subscribe.subscribe(
      {},
      { onStarted: () => ready(), onData: (event) => events.push(event as never) },
    );
    await started;
    try {
      const { id } = await operator.jobs.enqueue.mutate({
        type: 'data.sync',
        input: { source: 'it.events', records: 40, batchSize: 10, throttleMs: 100 },
      });
      await eventually('the completed event', async () =>
        events.some((event) => event.jobId === id && event.state === 'completed'),
      );
      const mine = events.filter((event) => event.jobId === id);
      // Progress updates a stream has not sent yet are replaced by the next (coalescing): rising, 100 last.
      const percents = mine.filter((event) => event.progress).map((event) => event.progress!.percent);
      expect(percents).toEqual([...percents].sort((a, b) => a - b));
      expect(percents.at(-1)).toBe(100);
      expect(mine.some((event) => event.kind === 'job.log')).toBe(true);
      expect(mine.at(-1)!.state).toBe('completed');
    } finally {
      subscription.unsubscribe();
    }
  });
});

describe('without Redis', () => {
  it('keeps working: enqueue, run and read, and says live updates are off', async () => {
    const degraded = await apiInstance('redis://127.0.0.1:1');
    instances.push(degraded);
    const client = createJobdeckClient({ url: degraded.url, token: await login() });
    expect((await client.system.info.query()).liveUpdates).toBe(false);
    const health = await client.system.health.query();
    expect(health.redis.ok).toBe(false);
    expect(health.temporal.ok).toBe(true);
    expect(health.postgres.ok).toBe(true);
    const { id } = await client.jobs.enqueue.mutate({
      type: 'data.sync',
      input: { source: 'it.noredis', records: 10 },
    });
    const job = await waitForState(client, id, ['completed']);
    expect(job.progress?.percent).toBe(100);
    const stats = await client.jobs.stats.query();
    expect(stats.types.length).toBe(jobTypes.length);
  });
});

describe('health', () => {
  it('reports every dependency and a live worker on every queue', async () => {
    const health = await operator.system.health.query();
    expect(health.temporal.ok).toBe(true);
    expect(health.postgres.ok).toBe(true);
    expect(health.redis.ok).toBe(Boolean(process.env.REDIS_URL));
    const catalogue = defaultQueues();
    const served = health.queues
      .filter((queue) => catalogue.includes(queue.name))
      .map((queue) => ({ queue: queue.name, served: queue.workers > 0 }));
    expect(served).toEqual(catalogue.map((queue) => ({ queue, served: true })));
    const response = await fetch(`${env.apiUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', temporal: true, postgres: true });
  });
});
