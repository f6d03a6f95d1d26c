// One schedule's runs (at most one a minute) are few: their figures are read from the records,
// with exact percentiles, since the histograms carry no schedule.
import type { Services } from '../services';
import { addSums, sumsByTypeAndQueue, type SumRow } from './duration-sums';
import { recordScope } from './rollup-rows';
import type { ResolvedWindow } from './window';

export async function fromRecords(services: Services, window: ResolvedWindow) {
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
            "jobdeck_elapsed_ms"(COALESCE("runAt", "createdAt"), "startedAt")::float8 AS "waitMs"
       FROM "Job" WHERE ${scope.where} AND "state" IN ('completed', 'failed', 'cancelled', 'terminated', 'timed_out')`,
    scope.params,
  );
  const { byType, byQueue, of } = sumsByTypeAndQueue();
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
    for (const target of of(row.type, row.queue)) {
      addSums(target, sums);
      if (row.runMs !== null) target.run.values.push(row.runMs);
      if (row.waitMs !== null) target.wait.values.push(row.waitMs);
    }
  }
  return { byType, byQueue, slowestFloor: 0 };
}
