import type { Redis } from 'ioredis';
import { workerReportKeys, workerReportSchema, workerSampleSchema } from '@jobdeck/workflows';
import type { WorkerHistoryPoint, WorkerInsight } from './types';

/** Reports read per answer: far more worker processes than one install runs. */
const MAX_WORKERS = 500;
/** A worker that missed this many reports in a row is shown as stale (until its report expires, about a minute). */
export const MISSED_REPORTS_STALE = 3;

function json(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** One worker's report and history as stored; null for a missing (expired) or unreadable report. */
export function parseWorkerReport(report: string | null, history: string[], now: number): WorkerInsight | null {
  const parsed = workerReportSchema.safeParse(json(report));
  if (!parsed.success) return null;
  const { at, intervalMs, ...figures } = parsed.data;
  const points: WorkerHistoryPoint[] = [];
  // Stored newest first (LPUSH): answered oldest first, as a chart draws them.
  for (const entry of [...history].reverse()) {
    const sample = workerSampleSchema.safeParse(json(entry));
    if (sample.success) points.push(sample.data);
  }
  const lastSeen = Date.parse(at);
  return {
    ...figures,
    lastSeenAt: at,
    reportIntervalMs: intervalMs,
    stale: !Number.isFinite(lastSeen) || now - lastSeen > MISSED_REPORTS_STALE * intervalMs,
    history: points,
  };
}

/** Every worker process that reported lately, with its history; expired ones are gone from the index too. */
export async function readWorkers(redis: Redis, prefix: string): Promise<WorkerInsight[]> {
  const { index } = workerReportKeys(prefix);
  const ids = await redis.zrevrange(index, 0, MAX_WORKERS - 1);
  if (!ids.length) return [];
  const pipeline = redis.pipeline();
  for (const id of ids) {
    const keys = workerReportKeys(prefix, id);
    pipeline.get(keys.report).lrange(keys.history, 0, -1);
  }
  const replies = (await pipeline.exec()) ?? [];
  const now = Date.now();
  const workers: WorkerInsight[] = [];
  ids.forEach((_id, i) => {
    const [reportError, report] = replies[i * 2] ?? [null, null];
    const [historyError, history] = replies[i * 2 + 1] ?? [null, []];
    const worker = parseWorkerReport(
      reportError ? null : (report as string | null),
      historyError ? [] : (history as string[]),
      now,
    );
    if (worker) workers.push(worker);
  });
  return workers.sort((a, b) => a.host.localeCompare(b.host) || a.pid - b.pid);
}
