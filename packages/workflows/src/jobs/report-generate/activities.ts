import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import type { ActivityDeps } from '../../runtime/activity-deps';
import { jobContext } from '../../runtime/job-context';
import { reportDeliveryActivities } from './deliver';
import type { reportGenerateInput } from './index';

export type ReportGenerateInput = z.output<typeof reportGenerateInput>;

export interface ReportRow {
  group: string;
  total: number;
  completed: number;
  failed: number;
  cancelled: number;
  avgDurationMs: number | null;
  p95DurationMs: number | null;
}

export interface ReportFile {
  path: string;
  rows: number;
  bytes: number;
}

const STEPS = 3;

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  // Cells starting with = + - @ are formulas to a spreadsheet: quote-prefix them.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function toCsv(rows: ReportRow[]): string {
  const header = ['group', 'total', 'completed', 'failed', 'cancelled', 'avg_duration_ms', 'p95_duration_ms'];
  const lines = rows.map((row) =>
    [row.group, row.total, row.completed, row.failed, row.cancelled, row.avgDurationMs, row.p95DurationMs]
      .map(csvCell)
      .join(','),
  );
  return `${[header.join(','), ...lines].join('\n')}\n`;
}

export function reportActivities(deps: ActivityDeps) {
  const { db } = deps;
  return {
    async collectReportRows(input: ReportGenerateInput): Promise<ReportRow[]> {
      const job = jobContext(deps);
      await job.progress({
        percent: 5,
        step: 'collect',
        stepsDone: 0,
        stepsTotal: STEPS,
        message: `jobs of the last ${input.periodHours} h by ${input.groupBy}`,
      });
      const since = new Date(Date.now() - input.periodHours * 3_600_000);
      // groupBy is one of three column names checked by the schema; never user text.
      const column = { type: '"type"', queue: '"queue"', state: '"state"::text' }[input.groupBy];
      const rows = await db.$queryRawUnsafe<Array<Record<string, unknown>>>(
        `SELECT ${column} AS "group",
                count(*)::int AS total,
                count(*) FILTER (WHERE state = 'completed')::int AS completed,
                count(*) FILTER (WHERE state IN ('failed', 'timed_out', 'terminated'))::int AS failed,
                count(*) FILTER (WHERE state = 'cancelled')::int AS cancelled,
                avg(extract(epoch FROM "finishedAt" - "startedAt") * 1000)::float AS "avgDurationMs",
                percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM "finishedAt" - "startedAt") * 1000)::float AS "p95DurationMs"
           FROM "Job" WHERE "createdAt" >= $1
          GROUP BY 1 ORDER BY 1`,
        since,
      );
      const result = rows.map((row) => ({
        group: String(row.group),
        total: Number(row.total),
        completed: Number(row.completed),
        failed: Number(row.failed),
        cancelled: Number(row.cancelled),
        avgDurationMs: row.avgDurationMs === null ? null : Math.round(Number(row.avgDurationMs)),
        p95DurationMs: row.p95DurationMs === null ? null : Math.round(Number(row.p95DurationMs)),
      }));
      await job.progress({
        percent: 40,
        step: 'collect',
        stepsDone: 1,
        stepsTotal: STEPS,
        message: `${result.length} groups`,
      });
      return result;
    },

    async writeReportFile(input: { title: string; rows: ReportRow[] }): Promise<ReportFile> {
      const job = jobContext(deps);
      await job.progress({ percent: 60, step: 'write', stepsDone: 1, stepsTotal: STEPS, message: 'writing CSV' });
      const dir = join(deps.storageDir, 'reports');
      await mkdir(dir, { recursive: true });
      const path = join(dir, `${job.jobId}.csv`);
      const csv = toCsv(input.rows);
      await writeFile(path, csv);
      await job.progress({
        percent: 100,
        step: 'done',
        stepsDone: STEPS,
        stepsTotal: STEPS,
        message: `${input.rows.length} rows`,
      });
      await job.log('info', `wrote "${input.title}" to ${path}`, { rows: input.rows.length, bytes: csv.length });
      return { path, rows: input.rows.length, bytes: Buffer.byteLength(csv) };
    },

    ...reportDeliveryActivities(deps),
  };
}
