import type { Services } from '../../services';
import { collectSources, sampleSources, settle, type Sampled } from './collect';
import { SAMPLE_EVERY_MS, sharedHistory, type HistoryStore } from './history';
import type { MachineInsight, PostgresFigures, QueueHistoryPoint, RedisFigures } from './types';

export type * from './types';

/** The background sampler keeps going this long after the last request, then stops until the next one. */
const SAMPLE_WHILE_ASKED_MS = 5 * 60_000;
/** Keeping or reading the history waits at most this long (a slow Redis costs the history, not the answer). */
const HISTORY_TIMEOUT_MS = 1_000;

/** A queue's figures in one history sample: [backlog, addRate, dispatchRate], workflow and activity tasks summed. */
type QueueSample = { at: string; queues: Record<string, [number, number, number]> };

interface Sampler {
  history: HistoryStore;
  askedAt: number;
  timer: NodeJS.Timeout | null;
  busy: boolean;
}

/** One per API process (per Services): its history store and its background sampler. */
const samplers = new WeakMap<Services, Sampler>();

function samplerOf(services: Services): Sampler {
  let sampler = samplers.get(services);
  if (!sampler) {
    sampler = {
      history: sharedHistory(services.redis, services.config.redisPrefix),
      askedAt: 0,
      timer: null,
      busy: false,
    };
    samplers.set(services, sampler);
  }
  return sampler;
}

async function record(history: HistoryStore, sampled: Sampled, at: number): Promise<void> {
  const iso = new Date(at).toISOString();
  const writes: Promise<void>[] = [];
  if (sampled.queues.ok) {
    const queues: QueueSample['queues'] = {};
    for (const queue of sampled.queues.value) {
      const { workflow: w, activity: a } = queue;
      queues[queue.name] = [
        w.backlogCount + a.backlogCount,
        w.addRatePerSecond + a.addRatePerSecond,
        w.dispatchRatePerSecond + a.dispatchRatePerSecond,
      ];
    }
    writes.push(history.record('queues', at, { at: iso, queues } satisfies QueueSample));
  }
  if (sampled.redis.ok) writes.push(history.record('redis', at, { at: iso, ...sampled.redis.value }));
  if (sampled.postgres.ok) {
    const { databaseSizeBytes, connections } = sampled.postgres.value;
    writes.push(history.record('postgres', at, { at: iso, databaseSizeBytes, connections }));
  }
  await Promise.all(writes.map((write) => write.catch(() => undefined)));
}

/** Samples every SAMPLE_EVERY_MS while someone asked in the last SAMPLE_WHILE_ASKED_MS, so a spike between requests shows. */
function keepSampling(services: Services, sampler: Sampler): void {
  sampler.askedAt = Date.now();
  if (sampler.timer) return;
  sampler.timer = setInterval(() => {
    if (Date.now() - sampler.askedAt > SAMPLE_WHILE_ASKED_MS) {
      clearInterval(sampler.timer!);
      sampler.timer = null;
      return;
    }
    if (sampler.busy) return;
    sampler.busy = true;
    void sampleSources(services)
      .then((sampled) => settle('history', () => record(sampler.history, sampled, Date.now()), HISTORY_TIMEOUT_MS))
      .catch(() => undefined)
      .finally(() => (sampler.busy = false));
  }, SAMPLE_EVERY_MS);
  sampler.timer.unref();
}

/** Stops this process's background sampler (it also stops by itself once nobody asked for a while). */
export function stopSampling(services: Services): void {
  const sampler = samplers.get(services);
  if (sampler?.timer) clearInterval(sampler.timer);
  if (sampler) sampler.timer = null;
}

function queueHistory(samples: unknown[], name: string): QueueHistoryPoint[] {
  const points: QueueHistoryPoint[] = [];
  for (const sample of samples as QueueSample[]) {
    const figures = sample?.queues?.[name];
    if (Array.isArray(figures))
      points.push({ at: sample.at, backlog: figures[0], addRate: figures[1], dispatchRate: figures[2] });
  }
  return points;
}

/**
 * insight.machines: queues from Temporal, worker processes from their reports in Redis, Redis and
 * Postgres themselves, each with its recent history. Sources run in parallel, each on its own
 * timeout; one that fails makes its own section unavailable, never the answer.
 */
export async function machineInsight(services: Services): Promise<MachineInsight> {
  const sampler = samplerOf(services);
  keepSampling(services, sampler);
  const now = Date.now();
  const sources = await collectSources(services);
  await settle('history', () => record(sampler.history, sources, now), HISTORY_TIMEOUT_MS);
  const read = await settle('history', () => sampler.history.read(['queues', 'redis', 'postgres']), HISTORY_TIMEOUT_MS);
  const history = read.ok ? read.value : { queues: [], redis: [], postgres: [] };
  const { queues, workers, redis, postgres, heartbeats } = sources;
  return {
    sampledAt: new Date(now).toISOString(),
    queues: queues.ok
      ? {
          available: true,
          error: null,
          items: queues.value.map((queue) => ({ ...queue, history: queueHistory(history.queues, queue.name) })),
        }
      : { available: false, error: queues.error, items: [] },
    workers: workers.ok
      ? { available: true, error: null, items: workers.value }
      : { available: false, error: workers.error, items: [] },
    redis: {
      available: redis.ok,
      error: redis.ok ? null : redis.error,
      usedMemoryBytes: redis.ok ? redis.value.usedMemoryBytes : null,
      opsPerSecond: redis.ok ? redis.value.opsPerSecond : null,
      connectedClients: redis.ok ? redis.value.connectedClients : null,
      history: history.redis as Array<RedisFigures & { at: string }>,
    },
    postgres: {
      available: postgres.ok,
      error: postgres.ok ? null : postgres.error,
      databaseSizeBytes: postgres.ok ? postgres.value.databaseSizeBytes : null,
      connections: postgres.ok ? postgres.value.connections : null,
      tables: postgres.ok ? postgres.value.tables : [],
      history: history.postgres as Array<PostgresFigures & { at: string }>,
    },
    temporalWorkerHeartbeats: heartbeats.ok
      ? {
          supported: true,
          note: `Temporal's own worker heartbeats (ListWorkers): ${heartbeats.value.length} worker(s) listed`,
          items: heartbeats.value,
        }
      : { supported: false, note: `ListWorkers unavailable: ${heartbeats.error}`, items: [] },
  };
}
