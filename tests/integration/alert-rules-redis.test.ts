// The Redis dependency rule against a Redis of the test's own: a worker started with it as its
// REDIS_URL evaluates the rule (on a queue only that worker polls), the test fills its memory
// against maxmemory, stops it and starts it again.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobdeckClient } from '@jobdeck/api/client';
import { clientAs, spawnWorker, waitForPoller } from '../support/harness';
import { createRule, evaluate, factsOf, firingsOf, ruleOf } from '../support/alert-rules';
import { startRedis, type TestRedis } from '../support/redis-server';

const QUEUE = `it-alerts-redis-${process.pid}`;
let admin: JobdeckClient;
let redis: TestRedis;
let worker: ReturnType<typeof spawnWorker>;

beforeAll(async () => {
  ({ client: admin } = await clientAs('admin'));
  redis = await startRedis();
  worker = spawnWorker(`${QUEUE}:1`, { REDIS_URL: redis.url });
  await waitForPoller(QUEUE, worker);
}, 120_000);

afterAll(async () => {
  if (worker?.exitCode === null) worker.kill('SIGTERM');
  await redis?.stop();
});

describe('alert rules on Redis', () => {
  it('dependency on Redis: memory against maxmemory, unreachable, and back', async () => {
    const rule = await createRule('dependency', { target: 'redis', maxUsagePercent: 50 });
    await evaluate(admin, [rule.id], QUEUE);
    expect(await firingsOf(rule.id)).toEqual([]);
    expect((await ruleOf(rule.id)).lastError).toBeNull();

    // maxmemory at 1.5 times what is used: about 67 %, above the rule's 50 %.
    const client = new Redis(redis.url);
    const used = Number(/^used_memory:(\d+)/m.exec(await client.info('memory'))![1]);
    await client.config('SET', 'maxmemory', String(Math.round(used * 1.5)));
    client.disconnect();
    await evaluate(admin, [rule.id], QUEUE);
    const [full] = await firingsOf(rule.id);
    expect(full!.message).toMatch(/^Redis memory used at [\d.]+ %, at or above 50 %$/);
    expect(factsOf(full!)['Memory used']).toMatch(/^[\d.]+ MiB of [\d.]+ MiB \([\d.]+ %\)$/);

    await redis.stop();
    await evaluate(admin, [rule.id], QUEUE);
    const [gone] = await firingsOf(rule.id);
    // The same condition, worse: still one firing, its message now says unreachable.
    expect(gone).toMatchObject({ id: full!.id, resolvedAt: null });
    expect(gone!.message).toMatch(/^Redis unreachable: /);
    expect(factsOf(gone!).Address).toBe(`127.0.0.1:${redis.port}`);

    // Back, empty and without maxmemory: reachable, the threshold does not apply, the firing ends.
    await redis.start();
    await evaluate(admin, [rule.id], QUEUE);
    expect(await firingsOf(rule.id)).toMatchObject([{ id: full!.id, resolvedAt: expect.any(Date) }]);
    expect((await ruleOf(rule.id)).state).toBe('ok');
  }, 180_000);

  it('a worker without Redis cannot read a Redis rule, and says so', async () => {
    const rule = await createRule('dependency', { target: 'redis' });
    const bare = spawnWorker(`${QUEUE}-bare:1`, { REDIS_URL: '' });
    try {
      await waitForPoller(`${QUEUE}-bare`, bare);
      await evaluate(admin, [rule.id], `${QUEUE}-bare`);
      expect(await ruleOf(rule.id)).toMatchObject({ state: 'ok', lastError: expect.stringMatching(/without Redis/) });
      expect(await firingsOf(rule.id)).toEqual([]);
    } finally {
      bare.kill('SIGTERM');
    }
  }, 180_000);
});
