// insight.performance: run and wait times per job type and per queue (count, average, min, max and
// percentiles from the histograms), attempts, retries, and the slowest jobs of the window.
import type { Services } from '../services';
import { addSums, perfRow, sumsByTypeAndQueue, type PerfRow, type SumRow } from './duration-sums';
import { addToHistogram, PERCENTILE_ERROR } from './histogram';
import { fromRecords } from './performance-records';
import { coveringScope, recordScope } from './rollup-rows';
import { describeWindow, resolveWindow, type ResolvedWindow, type WindowInput } from './window';

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

const SUMS_SQL = `sum("count")::integer AS "jobs", sum("attemptsSum")::integer AS "attempts",
  sum("retriedCount")::integer AS "retried", sum("retryWaitMsSum")::float8 AS "retryWaitMs",
  sum("runCount")::integer AS "runCount", sum("runMsSum")::float8 AS "runSum", min("runMsMin")::float8 AS "runMin", max("runMsMax")::float8 AS "runMax",
  sum("waitCount")::integer AS "waitCount", sum("waitMsSum")::float8 AS "waitSum", min("waitMsMin")::float8 AS "waitMin", max("waitMsMax")::float8 AS "waitMax"`;

async function fromRollups(services: Services, window: ResolvedWindow) {
  // No buckets here: whole days and hours come from their own grains (a tenth of the rows, or less).
  const sumsScope = coveringScope(window);
  const histogramScope = coveringScope(window, false);
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
  const { byType, byQueue, of } = sumsByTypeAndQueue();
  for (const row of sums.rows) for (const target of of(row.type, row.queue)) addSums(target, row);
  for (const row of histograms.rows)
    for (const target of of(row.type, row.queue)) addToHistogram(target[row.measure].histogram, row.bucket, row.count);
  return { byType, byQueue, slowestFloor: slowestFloor(maxima.rows.map((row) => row.max)) };
}

/**
 * Every job in the slowest ten took at least the tenth-largest of the window's rollup rows' maxima
 * (those maxima are ten distinct jobs): the records are read from there down, by the "runMs" index.
 */
function slowestFloor(maxima: number[]): number {
  return maxima.length >= SLOWEST ? maxima[SLOWEST - 1]! : 0;
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
