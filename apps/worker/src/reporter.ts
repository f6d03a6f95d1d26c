import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import {
  workerReportKeys,
  WORKER_HISTORY_LENGTH,
  type QueueSlots,
  type WorkerReport,
  type WorkerSample,
} from '@jobdeck/workflows';
import { processSampler } from './process-figures';

/** A report outlives 3 missed reports (then the API calls the worker stale) and is gone after about a minute. */
export function reportTtlMs(intervalMs: number): number {
  return Math.max(60_000, intervalMs * 4);
}

export interface ReporterOptions {
  redisUrl: string | null;
  prefix: string;
  intervalMs: number;
  slots: () => QueueSlots[];
  counts: () => { jobsDone: number; activitiesDone: number };
}

export interface Reporter {
  id: string;
  stop(): Promise<void>;
}

/**
 * Every intervalMs, this process's figures go to Redis: the latest report (with a TTL) and a capped
 * history. Redis being slow or away never stops or slows the worker: commands fail at once while it
 * is disconnected (no offline queue), each has a timeout, a report is skipped while the previous one
 * is still out, and every error is swallowed. Without Redis it does nothing.
 */
export function startReporter(options: ReporterOptions): Reporter {
  const host = hostname();
  // Temporal's default worker identity, so that the pollers Temporal lists can be matched to reports.
  const id = `${process.pid}@${host}`;
  if (!options.redisUrl) return { id, stop: async () => undefined };
  const redis = new Redis(options.redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: 2_000,
    retryStrategy: (times) => Math.min(times * 500, 5_000),
  });
  redis.on('error', () => undefined);
  void redis.connect().catch(() => undefined);
  const keys = workerReportKeys(options.prefix, id);
  const ttl = reportTtlMs(options.intervalMs);
  const startedAt = new Date().toISOString();
  const sampler = processSampler();
  let sending = false;

  async function report() {
    // Sampled on every tick, so that a report after an outage still covers one interval.
    const figures = sampler.sample();
    if (sending || redis.status !== 'ready') return;
    sending = true;
    const now = Date.now();
    const queues = options.slots();
    const body: WorkerReport = {
      id,
      host,
      pid: process.pid,
      startedAt,
      at: new Date(now).toISOString(),
      intervalMs: options.intervalMs,
      queues,
      ...figures,
      ...options.counts(),
    };
    const sample: WorkerSample = {
      at: body.at,
      cpuPercent: figures.cpuPercent,
      rssBytes: figures.rssBytes,
      eventLoopP99Ms: figures.eventLoopDelayMs.p99,
      slotsUsed: queues.reduce((sum, queue) => sum + queue.slotsUsed, 0),
    };
    try {
      await redis
        .multi()
        .set(keys.report, JSON.stringify(body), 'PX', ttl)
        .lpush(keys.history, JSON.stringify(sample))
        .ltrim(keys.history, 0, WORKER_HISTORY_LENGTH - 1)
        .pexpire(keys.history, ttl)
        .zadd(keys.index, now, id)
        .zremrangebyscore(keys.index, '-inf', now - ttl)
        .pexpire(keys.index, ttl)
        .exec();
    } catch {
      // Redis away or slow: the next tick tries again.
    } finally {
      sending = false;
    }
  }

  const timer = setInterval(() => void report(), options.intervalMs);
  timer.unref();
  // The first report soon after start, not a whole interval later.
  const first = setTimeout(() => void report(), Math.min(1_000, options.intervalMs));
  first.unref();
  return {
    id,
    async stop() {
      clearInterval(timer);
      clearTimeout(first);
      sampler.stop();
      // A worker that stops cleanly leaves at once; one that is killed is stale after 3 missed reports.
      if (redis.status === 'ready')
        await redis
          .multi()
          .del(keys.report, keys.history)
          .zrem(keys.index, id)
          .exec()
          .catch(() => undefined);
      redis.disconnect();
    },
  };
}
