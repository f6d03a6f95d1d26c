import { Redis } from 'ioredis';

/**
 * The worker's one connection for what alerting keeps in Redis (a rule's memory of its last look,
 * the Postgres rules kept for when Postgres is away): opened on first use and kept, failing fast
 * while Redis is away (no offline queue) so that a rule says so instead of waiting. The dependency
 * rule measures Redis on a connection of its own (kinds/dependency.ts).
 */

let shared: { url: string; redis: Redis } | undefined;

export async function alertingRedis(url: string): Promise<Redis> {
  if (shared?.url !== url) {
    const redis = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      commandTimeout: 2_000,
    });
    redis.on('error', () => undefined);
    shared = { url, redis };
  }
  if (shared.redis.status === 'wait') await shared.redis.connect();
  return shared.redis;
}
