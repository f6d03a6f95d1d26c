// The xlsx Summary sheet's figures, computed by Postgres over the same search conditions as the rows
// (never by collecting the rows): counts by state and by type, and run and wait time statistics.
import type { Sql } from '@jobdeck/db';
import { searchWhere } from '../control/search/query';
import type { JobSearch } from '../control/search/filter';

export interface DurationStats {
  count: number;
  min: number | null;
  avg: number | null;
  p50: number | null;
  p95: number | null;
  max: number | null;
}

export interface ExportSummary {
  total: number;
  byState: Array<{ state: string; count: number }>;
  byType: Array<{ type: string; count: number }>;
  runMs: DurationStats;
  waitMs: DurationStats;
}

/** A summary is one scan more of the same jobs: allowed longer than an interactive search. */
const SUMMARY_TIMEOUT_MS = 120_000;

function stats(column: string): string {
  return `count(${column})::integer, min(${column}), round(avg(${column}))::integer,
          round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ${column}))::integer,
          round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ${column}))::integer, max(${column})`;
}

function toStats(values: Array<number | null>): DurationStats {
  const [count, min, avg, p50, p95, max] = values;
  return {
    count: count ?? 0,
    min: min ?? null,
    avg: avg ?? null,
    p50: p50 ?? null,
    p95: p95 ?? null,
    max: max ?? null,
  };
}

export async function summarizeSearch(sql: Sql, search: JobSearch): Promise<ExportSummary> {
  const { where, values } = searchWhere(search);
  const client = await sql.connect();
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(`SELECT set_config('statement_timeout', $1, true)`, [String(SUMMARY_TIMEOUT_MS)]);
    const groups = await client.query<{ kind: 'state' | 'type'; key: string; count: number }>(
      `SELECT 'state' AS "kind", "state"::text AS "key", count(*)::integer AS "count" FROM "Job" ${where} GROUP BY 2
       UNION ALL
       SELECT 'type', "type", count(*)::integer FROM "Job" ${where} GROUP BY 2
       ORDER BY 1, 3 DESC, 2`,
      values,
    );
    const durations = await client.query({
      text: `SELECT ${stats('"runMs"')}, ${stats('"waitMs"')} FROM "Job" ${where}`,
      values,
      rowMode: 'array',
    });
    await client.query('COMMIT');
    const byState = groups.rows.filter((row) => row.kind === 'state').map(({ key, count }) => ({ state: key, count }));
    const byType = groups.rows.filter((row) => row.kind === 'type').map(({ key, count }) => ({ type: key, count }));
    const row = (durations.rows[0] ?? []) as Array<number | null>;
    return {
      total: byState.reduce((sum, { count }) => sum + count, 0),
      byState,
      byType,
      runMs: toStats(row.slice(0, 6)),
      waitMs: toStats(row.slice(6, 12)),
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
