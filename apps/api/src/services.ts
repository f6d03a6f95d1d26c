import { Client } from '@temporalio/client';
import { Redis } from 'ioredis';
import { createDb, createSql, type Db, type Sql } from '@jobdeck/db';
import { createEventBus, findJobType, type EventBus, type JobCatalog } from '@jobdeck/workflows';
import { jobdeckDataConverter } from '@jobdeck/workflows/codec';
import { tracingClientInterceptors } from '@jobdeck/workflows/telemetry';
import type { ApiConfig } from './config';
import { createCache, type Cache } from './cache';
import { createLoginThrottle, type LoginThrottle } from './auth/login-throttle';
import { createSessionWatch, type SessionWatch } from './auth/session-watch';
import { createTokenAuthenticator, type TokenAuthenticator } from './auth/tokens';
import { createCursorCodec, type CursorCodec } from './jobs/cursor';
import { createOutageWatch, type OutageWatch } from './outages';
import { temporalConnection } from './temporal-connection';

/** Everything a request may touch, created once per API process. */
export interface Services {
  config: ApiConfig;
  db: Db;
  /** Plain SQL for the statements every request runs (token lookup, audit rows): see createSql. */
  sql: Sql;
  temporal: Client;
  /** Null when Jobdeck runs without Redis: caches and rate limits fall back to this process's memory. */
  redis: Redis | null;
  events: EventBus;
  /** Temporal namespace (config.temporalNamespace), named as the job actions expect it. */
  namespace: string;
  cache: Cache;
  /** The registered job types, as job control reads them. */
  catalog: JobCatalog;
  loginThrottle: LoginThrottle;
  /** Who holds a bearer token. */
  tokens: TokenAuthenticator;
  /** Ends live streams whose credential was revoked, expired or disabled. */
  sessionWatch: SessionWatch;
  /** Signs list cursors, so that only cursors this install gave out are accepted. */
  cursors: CursorCodec;
  /** Logs Postgres or Temporal going away and coming back, once each. */
  outages: OutageWatch;
  close(): Promise<void>;
}

export async function createServices(config: ApiConfig): Promise<Services> {
  // Every request's token lookup and audit rows, and the list and page reads, are plain SQL: that pool
  // takes the concurrency (40 logins at once queued behind 5 connections); Prisma keeps the rest.
  const db = createDb(config.databaseUrl, { maxConnections: 6 });
  const sql = createSql(config.databaseUrl, { maxConnections: 10 });
  const connection = temporalConnection({ address: config.temporalAddress, deadlineMs: config.temporalDeadlineMs });
  // Not awaited as a condition of starting: the API serves what Postgres can answer while Temporal is away.
  await connection
    .ensureConnected()
    .catch((error: Error) =>
      console.warn(
        `temporal: not reachable at ${config.temporalAddress} yet (${error.message}); will connect when it is`,
      ),
    );
  const temporal = new Client({
    connection,
    namespace: config.temporalNamespace,
    dataConverter: jobdeckDataConverter(config.encryptionKeys),
    // With tracing on, an enqueue's StartWorkflow span is a child of its request's and heads the job's trace.
    interceptors: { workflow: tracingClientInterceptors() },
  });
  let redis: Redis | null = null;
  if (config.redisUrl) {
    redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
    redis.on('error', () => {});
    await redis.connect().catch(() => undefined);
  }
  const events = createEventBus({ redisUrl: config.redisUrl, prefix: config.redisPrefix });
  const cache = createCache(redis, config.redisPrefix);
  const sessionWatch = createSessionWatch(db);
  const outages = createOutageWatch({
    // Both pools: requests use plain SQL and Prisma alike.
    postgres: () => Promise.all([sql.query('SELECT 1'), db.$queryRaw`SELECT 1`]),
    temporal: () => temporal.workflowService.getSystemInfo({}),
  });
  return {
    config,
    db,
    sql,
    temporal,
    redis,
    events,
    namespace: config.temporalNamespace,
    cache,
    catalog: { find: findJobType },
    loginThrottle: createLoginThrottle(redis, config.redisPrefix),
    tokens: createTokenAuthenticator(sql),
    sessionWatch,
    cursors: createCursorCodec(config.encryptionKeys.current.key),
    outages,
    async close() {
      sessionWatch.close();
      outages.close();
      await Promise.allSettled([db.$disconnect(), sql.end(), connection.close(), events.close()]);
      redis?.disconnect();
    },
  };
}
