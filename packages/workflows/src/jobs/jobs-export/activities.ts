import { mkdir, open, rename, rm, stat, truncate } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import { countSearch } from '../../control/search/query';
import {
  exportFileName,
  exportRequest,
  exportsDir,
  fileSink,
  normaliseRequest,
  TEXT_FORMATS,
  writeTextExport,
  writeXlsxExport,
  type ExportProgress,
  type ExportRequest,
} from '../../export';
import type { Sql } from '@jobdeck/db';
import type { ActivityDeps } from '../../runtime/activity-deps';
import { jobContext, type JobContext } from '../../runtime/job-context';
import { redactText } from '../../runtime/redact';
import { timestamp } from '../../runtime/records/statements';
import type { ExportFormat } from '../../runtime/search-vocabulary';
import type { jobsExportInput } from './index';

export type JobsExportInput = z.output<typeof jobsExportInput>;

export interface ExportFile {
  exportId: string;
  fileName: string;
  rows: number;
  bytes: number;
}

/** Refused for good: retrying cannot help (the export is not this job's, or its request is not valid). */
function refused(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, 'ExportRefused');
}

interface ExportRowRead {
  id: string;
  jobId: string;
  state: string;
  format: ExportFormat;
  search: unknown;
  fields: string[];
  withInput: boolean;
  withLogs: boolean;
  rows: number;
  bytes: string;
  fileName: string | null;
}

/**
 * An export's row, in plain SQL as every statement of this job: Prisma's query compiler (Wasm, 60–90 MB
 * of the worker's memory once its first query ran) then never loads in a worker that only runs exports.
 */
async function exportRow(sql: Sql, exportId: string): Promise<ExportRowRead | undefined> {
  const { rows } = await sql.query<ExportRowRead>(
    `SELECT "id", "jobId", "state"::text AS "state", "format"::text AS "format", "search", "fields",
            "withInput", "withLogs", "rows", "bytes"::text AS "bytes", "fileName"
       FROM "JobExport" WHERE "id" = $1`,
    [exportId],
  );
  return rows[0];
}

/** The export bound to this job: exports.create wrote the row, with this job's id, before starting it. */
async function boundExport(deps: ActivityDeps, job: JobContext, exportId: string) {
  const row = await exportRow(deps.sql, exportId);
  if (!row || row.jobId !== job.jobId)
    throw refused(`export ${exportId} was not started as this job: exports are started by exports.create`);
  const parsed = exportRequest.safeParse({
    search: row.search,
    format: row.format,
    fields: row.fields,
    withInput: row.withInput,
    withLogs: row.withLogs,
  });
  if (!parsed.success) throw refused(`export ${exportId}: its request is not valid any more: ${parsed.error.message}`);
  return { row, request: normaliseRequest(parsed.data) };
}

export function exportActivities(deps: ActivityDeps) {
  return {
    /**
     * Writes the export to `<exportId>.<format>.part`, then renames it to its final name. CSV, JSON and
     * NDJSON resume after a crash: each page's progress (rows, bytes, search position) is the
     * heartbeat's checkpoint, and the next attempt cuts the part file back to those bytes and goes on
     * after that position, so each job is in the file exactly once. An xlsx file is a zip, which cannot
     * be continued half-written: its next attempt starts the file again.
     */
    async writeExportFile(input: JobsExportInput): Promise<ExportFile> {
      const job = jobContext(deps);
      const { row, request } = await boundExport(deps, job, input.exportId);
      const fileName = exportFileName(row.id, request.format);
      if (row.state === 'completed' && row.fileName)
        return { exportId: row.id, fileName: row.fileName, rows: row.rows, bytes: Number(row.bytes) };
      if (row.state !== 'running') throw refused(`export ${row.id} is ${row.state}: it is not written again`);

      const dir = exportsDir(deps.storageDir);
      await mkdir(dir, { recursive: true });
      const part = join(dir, `${fileName}.part`);
      const total = await countSearch(deps.sql, request.search);
      await deps.sql.query(`UPDATE "JobExport" SET "totalRows" = $2 WHERE "id" = $1`, [row.id, total.count]);

      const onPage = async (progress: ExportProgress) => {
        const percent = Math.min(99, total.count ? (progress.rows / total.count) * 100 : 99);
        await job.progress(
          {
            percent,
            step: 'write',
            stepsDone: progress.rows,
            stepsTotal: total.count,
            message: `${progress.rows} of ${total.exact ? '' : '~'}${total.count} rows written`,
          },
          progress,
        );
        await deps.sql.query(`UPDATE "JobExport" SET "rows" = $2 WHERE "id" = $1`, [row.id, progress.rows]);
      };

      const rows =
        request.format === 'xlsx'
          ? await writeXlsx(deps, job, request, part, onPage)
          : await writeText(deps, job, request, part, onPage);

      await rename(part, join(dir, fileName));
      const bytes = (await stat(join(dir, fileName))).size;
      const finishedAt = new Date();
      // totalRows counted now: the estimate made at the start (past 10,000 matches) gives way to the real number.
      await deps.sql.query(
        `UPDATE "JobExport"
            SET "state" = 'completed', "rows" = $2, "totalRows" = $2, "bytes" = $3, "fileName" = $4,
                "finishedAt" = $5::timestamp(3), "expiresAt" = $6::timestamp(3)
          WHERE "id" = $1`,
        [
          row.id,
          rows,
          bytes,
          fileName,
          timestamp(finishedAt),
          timestamp(new Date(finishedAt.getTime() + input.downloadHours * 3_600_000)),
        ],
      );
      await job.progress({ percent: 100, step: 'done', stepsDone: rows, stepsTotal: rows, message: `${rows} rows` });
      await job.log('info', `export ${row.id}: ${rows} rows, ${bytes} bytes`, { attempt: job.attempt });
      return { exportId: row.id, fileName, rows, bytes };
    },

    /** The export failed for good (or was cancelled): said on its row, the part file removed. */
    async markExportFailed(exportId: string, message: string): Promise<void> {
      const row = await exportRow(deps.sql, exportId);
      const job = jobContext(deps);
      if (!row || row.jobId !== job.jobId || row.state !== 'running') return;
      await rm(join(exportsDir(deps.storageDir), `${exportFileName(row.id, row.format)}.part`), { force: true });
      // Redacted, and never a path of this machine's: the message is shown on the Exports page.
      await deps.sql.query(
        `UPDATE "JobExport" SET "state" = 'failed', "error" = $2, "finishedAt" = $3::timestamp(3) WHERE "id" = $1`,
        [exportId, redactText(message.replaceAll(deps.storageDir, '<storage>')).slice(0, 2_000), timestamp(new Date())],
      );
    },
  };
}

/** A text export, resumed from the last checkpoint when the part file still holds its bytes. */
async function writeText(
  deps: ActivityDeps,
  job: JobContext,
  request: ExportRequest,
  part: string,
  onPage: (progress: ExportProgress) => Promise<void>,
): Promise<number> {
  const format = TEXT_FORMATS[request.format as keyof typeof TEXT_FORMATS];
  const checkpoint = job.lastCheckpoint<ExportProgress>();
  const size = await stat(part).then(
    (info) => info.size,
    () => -1,
  );
  // Every checkpoint is heartbeated after its bytes were written: the file holds at least them,
  // unless it was removed (or the machine lost its last writes), and then the export starts again.
  const resume = checkpoint && size >= checkpoint.bytes ? checkpoint : undefined;
  await truncate(part, resume?.bytes ?? 0).catch(async () => (await open(part, 'w')).close());
  if (resume)
    await job.log('info', `resuming the export at row ${resume.rows} (attempt ${job.attempt})`, {
      rows: resume.rows,
      bytes: resume.bytes,
    });
  else if (job.attempt > 1) await job.log('info', `starting the export again (attempt ${job.attempt})`);
  const handle = await open(part, 'a');
  try {
    const progress = await writeTextExport(deps.sql, request, format, fileSink(handle), {
      resume,
      onPage,
      signal: job.signal,
    });
    await handle.sync();
    return progress.rows;
  } finally {
    await handle.close();
  }
}

/** An xlsx export: always from the start (a zip cannot be continued). */
async function writeXlsx(
  deps: ActivityDeps,
  job: JobContext,
  request: ExportRequest,
  part: string,
  onPage: (progress: ExportProgress) => Promise<void>,
): Promise<number> {
  if (job.attempt > 1) await job.log('info', `writing the xlsx file again from the start (attempt ${job.attempt})`);
  const out = createWriteStream(part, { flags: 'w' });
  try {
    const { rows } = await writeXlsxExport(deps.sql, request, out, { onPage, signal: job.signal });
    await finished(out);
    return rows;
  } finally {
    out.destroy();
  }
}
