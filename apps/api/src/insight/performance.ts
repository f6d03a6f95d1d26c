// insight.performance: run and wait times per job type and per queue (count, average, min, max and
// percentiles from the histograms), attempts, retries, and the slowest jobs of the window.
import type { Services } from '../services';
import { addToHistogram, percentiles, PERCENTILE_ERROR, type Histogram } from './histogram';
import { recordScope, rollupScope } from './rollup-rows';
import { describeWindow, resolveWindow, type ResolvedWindow, type WindowInput } from './window';

export interface Durations {
  count: number;
  avgMs: number | null;
  minMs: number | null;
  maxMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

export interface PerfRow {
  name: string;
  jobs: number;
  run: Durations;
  wait: Durations;
  attemptsPerJob: number | null;
  retriedJobs: number;
  retryWaitMs: { total: number; perRetriedJob: number | null };
}

interface Sums {
  jobs: number;
  attempts: number;
  retried: number;
  retryWaitMs: number;
  run: MeasureSums;
  wait: MeasureSums;
}
interface MeasureSums {
  count: number;
  sum: number;
  min: number | null;
  max: number | null;
  histogram: Histogram;
  /** The durations themselves, when read from the records: their percentiles are exact. */
  values: number[];
}

const SLOWEST = 10;

export async function insightPerformance(services: Services, input: WindowInput, now = new Date()) {
  const window = resolveWindow(input, now);
  // Histograms carry no schedule: one schedule's runs (at most one a minute) are read from their records, exactly.
  const groups = window.filter.scheduleId ? await fromRecords(services, window) : await fromRollups(services, window);
  return {
    window: describeWindow(window),
    percentileError: window.filter.scheduleId ? 0 : Math.round(PERCENTILE_ERROR * 1000) / 1000,
    byType: [...groups.byType].map(([name, sums]) => perfRow(name, sums)).sort(byJobs),
    byQueue: [...groups.byQueue].map(([name, sums]) => perfRow(name, sums)).sort(byJobs),
    slowest: await slowestJobs(services, window, groups.slowestFloor),
  };
}

const byJobs = (a: PerfRow, b: PerfRow) => b.jobs - a.jobs || a.name.localeCompare(b.name);

function emptySums(): Sums {
  const measure = (): MeasureSums => ({ count: 0, sum: 0, min: null, max: null, histogram: new Map(), values: [] });
  return { jobs: 0, attempts: 0, retried: 0, retryWaitMs: 0, run: measure(), wait: measure() };
}

interface SumRow {
  type: string;
  queue: string;
  jobs: number;
  attempts: number;
  retried: number;
  retryWaitMs: number;
  runCount: number;
  runSum: number;
  runMin: number | null;
  runMax: number | null;
  waitCount: number;
  waitSum: number;
  waitMin: number | null;
  waitMax: number | null;
}

function addSums(sums: Sums, row: SumRow): void {
  sums.jobs += row.jobs;
  sums.attempts += row.attempts;
  sums.retried += row.retried;
  sums.retryWaitMs += row.retryWaitMs;
  for (const [measure, count, sum, min, max] of [
    [sums.run, row.runCount, row.runSum, row.runMin, row.runMax],
    [sums.wait, row.waitCount, row.waitSum, row.waitMin, row.waitMax],
  ] as const) {
    measure.count += count;
    measure.sum += sum;
    if (min !== null) measure.min = measure.min === null ? min : Math.min(measure.min, min);
    if (max !== null) measure.max = measure.max === null ? max : Math.max(measure.max, max);
  }
}

const SUMS_SQL = `sum("count")::integer AS "jobs", sum("attemptsSum")::integer AS "attempts",
  sum("retriedCount")::integer AS "retried", sum("retryWaitMsSum")::float8 AS "retryWaitMs",
  sum("runCount")::integer AS "runCount", sum("runMsSum")::float8 AS "runSum", min("runMsMin")::float8 AS "runMin", max("runMsMax")::float8 AS "runMax",
  sum("waitCount")::integer AS "waitCount", sum("waitMsSum")::float8 AS "waitSum", min("waitMsMin")::float8 AS "waitMin", max("waitMsMax")::float8 AS "waitMax"`;

async function fromRollups(services: Services, window: ResolvedWindow) {
  const sumsScope = rollupScope(window, window.from, window.to);
  const histogramScope = rollupScope(window, window.from, window.to, false);
  const [sums, histograms, maxima] = await Promise.all([
    services.sql.query<SumRow>(
      `SELECT "type", "queue", ${SUMS_SQL} FROM "JobRollup" WHERE ${sumsScope.where} GROUP BY 1, 2`,
      sumsScope.params,
    ),
    services.sql.query<{ type: string; queue: string; measure: 'run' | 'wait'; bucket: number; count: number }>(
      `SELECT "type", "queue", "measure"::text AS "measure", "bucket", sum("count")::integer AS "count"
         FROM "JobDurationHistogram" WHERE ${histogramScope.where} GROUP BY 1, 2, 3, 4`,
      histogramScope.params,
    ),
    services.sql.query<{ max: number }>(
      `SELECT "runMsMax"::float8 AS "max" FROM "JobRollup" WHERE ${sumsScope.where} AND "runMsMax" IS NOT NULL
        ORDER BY "runMsMax" DESC LIMIT ${SLOWEST}`,
      sumsScope.params,
    ),
  ]);
  const byType = new Map<string, Sums>();
  const byQueue = new Map<string, Sums>();
  const of = (map: Map<string, Sums>, key: string) => map.get(key) ?? map.set(key, emptySums()).get(key)!;
  for (const row of sums.rows) {
    addSums(of(byType, row.type), row);
    addSums(of(byQueue, row.queue), row);
  }
  for (const row of histograms.rows) {
    addToHistogram(of(byType, row.type)[row.measure].histogram, row.bucket, row.count);
    addToHistogram(of(byQueue, row.queue)[row.measure].histogram, row.bucket, row.count);
  }
  return { byType, byQueue, slowestFloor: slowestFloor(maxima.rows.map((row) => row.max)) };
}

/**
 * Every job in the slowest ten took at least the tenth-largest of the window's rollup rows' maxima
 * (those maxima are ten distinct jobs): the records are read from there down, by the "runMs" index.
 */
function slowestFloor(maxima: number[]): number {
  return maxima.length >= SLOWEST ? maxima[SLOWEST - 1]! : 0;
}

async function fromRecords(services: Services, window: ResolvedWindow) {
  const scope = recordScope(window);
  const { rows } = await services.sql.query<{
    type: string;
    queue: string;
    attempts: number;
    retryWaitMs: number;
    runMs: number | null;
    waitMs: number | null;
  }>(
    `SELECT "type", "queue", "attempts", "retryWaitMs", "runMs",
            CASE WHEN "startedAt" IS NULL THEN NULL
                 ELSE GREATEST(0, floor(extract(epoch FROM "startedAt" - COALESCE("runAt", "createdAt")) * 1000))::float8 END AS "waitMs"
       FROM "Job" WHERE ${scope.where} AND "state" IN ('completed', 'failed', 'cancelled', 'terminated', 'timed_out')`,
    scope.params,
  );
  const byType = new Map<string, Sums>();
  const byQueue = new Map<string, Sums>();
  const of = (map: Map<string, Sums>, key: string) => map.get(key) ?? map.set(key, emptySums()).get(key)!;
  for (const row of rows) {
    const sums: SumRow = {
      type: row.type,
      queue: row.queue,
      jobs: 1,
      attempts: row.attempts,
      retried: row.attempts > 1 ? 1 : 0,
      retryWaitMs: row.retryWaitMs,
      runCount: row.runMs === null ? 0 : 1,
      runSum: row.runMs ?? 0,
      runMin: row.runMs,
      runMax: row.runMs,
      waitCount: row.waitMs === null ? 0 : 1,
      waitSum: row.waitMs ?? 0,
      waitMin: row.waitMs,
      waitMax: row.waitMs,
    };
    for (const target of [of(byType, row.type), of(byQueue, row.queue)]) {
      addSums(target, sums);
      if (row.runMs !== null) target.run.values.push(row.runMs);
      if (row.waitMs !== null) target.wait.values.push(row.waitMs);
    }
  }
  return { byType, byQueue, slowestFloor: 0 };
}

function durations(measure: MeasureSums): Durations {
  const [p50, p95, p99] = measure.values.length
    ? exactPercentiles(measure.values, [0.5, 0.95, 0.99])
    : percentiles(measure.histogram, [0.5, 0.95, 0.99], { min: measure.min, max: measure.max });
  return {
    count: measure.count,
    avgMs: measure.count ? Math.round(measure.sum / measure.count) : null,
    minMs: measure.min,
    maxMs: measure.max,
    p50Ms: p50 ?? null,
    p95Ms: p95 ?? null,
    p99Ms: p99 ?? null,
  };
}

/** Nearest-rank percentiles of the durations themselves. */
function exactPercentiles(values: number[], ps: number[]): number[] {
  const ordered = [...values].sort((a, b) => a - b);
  return ps.map((p) => ordered[Math.max(1, Math.ceil(p * ordered.length)) - 1]!);
}

function perfRow(name: string, sums: Sums): PerfRow {
  return {
    name,
    jobs: sums.jobs,
    run: durations(sums.run),
    wait: durations(sums.wait),
    attemptsPerJob: sums.jobs ? Math.round((sums.attempts / sums.jobs) * 100) / 100 : null,
    retriedJobs: sums.retried,
    retryWaitMs: {
      total: sums.retryWaitMs,
      perRetriedJob: sums.retried ? Math.round(sums.retryWaitMs / sums.retried) : null,
    },
  };
}

async function slowestJobs(services: Services, window: ResolvedWindow, floor: number) {
  const scope = recordScope(window, 2);
  const { rows } = await services.sql.query<{
    id: string;
    type: string;
    queue: string;
    state: string;
    runMs: number;
    startedAt: Date;
    finishedAt: Date;
  }>(
    `SELECT "id", "type", "queue", "state"::text AS "state", "runMs",
            "startedAt" AT TIME ZONE 'UTC' AS "startedAt", "finishedAt" AT TIME ZONE 'UTC' AS "finishedAt"
       FROM "Job" WHERE "runMs" >= $1 AND ${scope.where}
      ORDER BY "runMs" DESC, "id" LIMIT ${SLOWEST}`,
    [floor, ...scope.params],
  );
  return rows.map((row) => ({
    ...row,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt.toISOString(),
  }));
}
