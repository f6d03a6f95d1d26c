import { Client, Connection } from '@temporalio/client';
import { Redis } from 'ioredis';
import { createDb, type Db } from '@jobdeck/db';
import { createEventBus, type EventBus } from '@jobdeck/workflows';
import type { ApiConfig } from './config';
import { createCache, type Cache } from './cache';

/** Everything a request may touch, created once per API process. */
export interface Services {
  config: ApiConfig;
  db: Db;
  temporal: Client;
  /** Null when Jobdeck runs without Redis: caches and rate limits fall back to this process's memory. */
  redis: Redis | null;
  events: EventBus;
  /** Temporal namespace (config.temporalNamespace), named as the job actions expect it. */
  namespace: string;
  cache: Cache;
  close(): Promise<void>;
}

export async function createServices(config: ApiConfig): Promise<Services> {
  const db = createDb(config.databaseUrl);
  const connection = await Connection.connect({ address: config.temporalAddress });
  const temporal = new Client({ connection, namespace: config.temporalNamespace });
  let redis: Redis | null = null;
  if (config.redisUrl) {
    redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
    redis.on('error', () => {});
    await redis.connect().catch(() => undefined);
  }
  const events = createEventBus({ redisUrl: config.redisUrl, prefix: config.redisPrefix });
  const cache = createCache(redis, config.redisPrefix);
  return {
    config,
    db,
    temporal,
    redis,
    events,
    namespace: config.temporalNamespace,
    cache,
    async close() {
      await Promise.allSettled([db.$disconnect(), connection.close(), events.close()]);
      redis?.disconnect();
    },
  };
}
