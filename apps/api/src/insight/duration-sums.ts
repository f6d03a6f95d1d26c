// A job type's or a queue's run and wait times, attempts and retries, added up from rollup rows or
// from records, and turned into the figures insight.performance answers.
import { entryOf } from './entry';
import { percentiles, type Histogram } from './histogram';

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

export interface Sums {
  jobs: number;
  attempts: number;
  retried: number;
  retryWaitMs: number;
  run: MeasureSums;
  wait: MeasureSums;
}
export interface MeasureSums {
  count: number;
  sum: number;
  min: number | null;
  max: number | null;
  histogram: Histogram;
  /** The durations themselves, when read from the records: their percentiles are exact. */
  values: number[];
}

export interface SumRow {
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

export function emptySums(): Sums {
  const measure = (): MeasureSums => ({ count: 0, sum: 0, min: null, max: null, histogram: new Map(), values: [] });
  return { jobs: 0, attempts: 0, retried: 0, retryWaitMs: 0, run: measure(), wait: measure() };
}

export function addSums(sums: Sums, row: SumRow): void {
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

export function perfRow(name: string, sums: Sums): PerfRow {
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

/** Sums per job type and per queue, as rows are read: each row counts in its type's and its queue's. */
export function sumsByTypeAndQueue() {
  const byType = new Map<string, Sums>();
  const byQueue = new Map<string, Sums>();
  return {
    byType,
    byQueue,
    of: (type: string, queue: string) => [entryOf(byType, type, emptySums), entryOf(byQueue, queue, emptySums)],
  };
}
