// The jobs of an export, a page at a time, in the search's order: the only rows held in memory are
// one page's (and that page's logs). Each page carries the position after it, where a resumed export
// continues.
import type { Sql } from '@jobdeck/db';
import { scanSearch, type SearchPosition } from '../control/search/query';
import { redactText } from '../runtime/redact';
import { exportColumns, toExportRow, type DbRow, type ExportLog, type ExportRequest, type ExportRow } from './fields';

/** Jobs per page; smaller with logs, each job of which may bring up to MAX_LOGS_PER_JOB lines. */
export const PAGE_SIZE = 1_000;
export const PAGE_SIZE_WITH_LOGS = 100;
/**
 * A job's logs in an export stop here (the first ones, in order), so that a page's memory stays bounded
 * whatever a job logged; the job's own page shows all of them.
 */
export const MAX_LOGS_PER_JOB = 1_000;

/** Exports read through a long scan: a page may take this long before it is refused as too broad. */
const PAGE_TIMEOUT_MS = 60_000;

export interface ExportPage {
  rows: ExportRow[];
  /** Where the next page begins; null after the last. */
  next: SearchPosition | null;
}

export async function* exportPages(
  sql: Sql,
  request: ExportRequest,
  options: { after?: SearchPosition | null; batch?: number; maxRows?: number } = {},
): AsyncGenerator<ExportPage> {
  const batch = options.batch ?? (request.withLogs ? PAGE_SIZE_WITH_LOGS : PAGE_SIZE);
  let left = options.maxRows ?? Infinity;
  for await (const page of scanSearch<DbRow>(sql, request.search, {
    columns: exportColumns(request),
    batch,
    after: options.after ?? null,
    timeoutMs: PAGE_TIMEOUT_MS,
  })) {
    const rows = page.rows.slice(0, left).map((row) => toExportRow(row, request));
    left -= rows.length;
    if (request.withLogs) await attachLogs(sql, rows);
    yield { rows, next: left > 0 ? page.next : null };
    if (left <= 0) return;
  }
}

/** The logs of a page's jobs, first MAX_LOGS_PER_JOB of each, in one statement. */
export async function logsOf(sql: Sql, ids: string[]): Promise<Map<string, ExportLog[]>> {
  const { rows } = await sql.query<{ jobId: string; at: Date; attempt: number; level: string; message: string }>(
    `SELECT "jobId", "createdAt" AS "at", "attempt", "level"::text AS "level", "message"
       FROM (SELECT *, row_number() OVER (PARTITION BY "jobId" ORDER BY "id") AS "n"
               FROM "JobLog" WHERE "jobId" = ANY($1::text[])) logs
      WHERE "n" <= $2
      ORDER BY "jobId", "id"`,
    [ids, MAX_LOGS_PER_JOB],
  );
  const byJob = new Map<string, ExportLog[]>();
  for (const row of rows) {
    const logs = byJob.get(row.jobId) ?? [];
    // Recorded redacted already; once more, because an export leaves Jobdeck.
    logs.push({ at: row.at.toISOString(), attempt: row.attempt, level: row.level, message: redactText(row.message) });
    byJob.set(row.jobId, logs);
  }
  return byJob;
}

async function attachLogs(sql: Sql, rows: ExportRow[]): Promise<void> {
  if (!rows.length) return;
  const byJob = await logsOf(
    sql,
    rows.map((row) => row.id),
  );
  for (const row of rows) row.logs = byJob.get(row.id) ?? [];
}
