import { defaultQueues, withTimeLimit } from '@jobdeck/workflows';
import { knownQueues } from '../../queues/known';
import type { Services } from '../../services';
import { readPostgres, type PostgresNow } from './postgres';
import { describeQueues, type QueueNow } from './queues';
import { readRedis } from './redis';
import { listTemporalWorkers } from './temporal-workers';
import type { RedisFigures, TemporalWorkerHeartbeat, WorkerInsight } from './types';
import { readWorkers } from './workers';

/** The longest one source may take before its section says it did not answer. */
export const SOURCE_TIMEOUT_MS = 2_000;

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

/** Runs one source to an outcome: never throws, never waits past timeoutMs. */
export async function settle<T>(
  what: string,
  run: () => Promise<T>,
  timeoutMs = SOURCE_TIMEOUT_MS,
): Promise<Outcome<T>> {
  try {
    return {
      ok: true,
      value: await withTimeLimit(run(), timeoutMs, () => new Error(`no answer within ${timeoutMs} ms`)),
    };
  } catch (error) {
    return { ok: false, error: `${what}: ${(error as Error).message || String(error)}` };
  }
}

function redisReady(services: Services) {
  const { redis } = services;
  if (!redis) throw new Error('not configured (REDIS_URL is empty)');
  if (redis.status !== 'ready') throw new Error(`not connected (${redis.status})`);
  return redis;
}

/** The queue names to describe: known ones, or the catalogue's when Postgres is slow to say. */
async function queueNames(services: Services): Promise<string[]> {
  const known = await settle('known queues', () => knownQueues(services), 1_000);
  return known.ok ? known.value : defaultQueues();
}

export interface Sampled {
  queues: Outcome<QueueNow[]>;
  redis: Outcome<RedisFigures>;
  postgres: Outcome<PostgresNow>;
}

/** What is sampled into the history: queues, Redis, Postgres, in parallel. */
export async function sampleSources(services: Services): Promise<Sampled> {
  const [queues, redis, postgres] = await Promise.all([
    settle('Temporal did not answer', async () => describeQueues(services, await queueNames(services))),
    settle('Redis did not answer', () => readRedis(redisReady(services))),
    settle('Postgres did not answer', () => readPostgres(services.sql)),
  ]);
  return { queues, redis, postgres };
}

export interface Collected extends Sampled {
  workers: Outcome<WorkerInsight[]>;
  heartbeats: Outcome<TemporalWorkerHeartbeat[]>;
}

/** Every source of insight.machines at once, each on its own timeout. */
export async function collectSources(services: Services): Promise<Collected> {
  const [sampled, workers, heartbeats] = await Promise.all([
    sampleSources(services),
    settle('Redis did not answer', () => readWorkers(redisReady(services), services.config.redisPrefix)),
    settle('Temporal did not answer', () => listTemporalWorkers(services)),
  ]);
  return { ...sampled, workers, heartbeats };
}
