// Excel (.xlsx) through exceljs's streaming writer: a Jobs sheet, a Summary sheet (counts by state
// and type, run and wait time statistics, computed by Postgres), and a Logs sheet when logs are asked
// for. Rows are committed as they are written (never held), and no shared strings or styles are kept,
// so memory stays flat. A zip cannot be resumed half-written: a durable xlsx export that is
// interrupted starts its file again (see jobs.export).
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Sql } from '@jobdeck/db';
import type { ExportRequest, ExportValue } from './fields';
import { drained } from './sink';
import { exportPages, logsOf, PAGE_SIZE_WITH_LOGS } from './source';
import { summarizeSearch, type DurationStats } from './summary';
import type { ExportProgress } from './write-text';

/** Excel's most rows in a sheet: past it a sheet continues in the next ("Jobs 2", "Logs 2"), header included. */
export const EXCEL_MAX_ROWS = 1_048_576;
/** Excel's most characters in a cell: a longer input or message is cut there, said so. */
export const EXCEL_MAX_CELL = 32_767;
const CUT = '… (cut: longer than an Excel cell holds)';

export const xlsxFormat = {
  extension: 'xlsx',
  contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

function cell(value: ExportValue): ExportValue {
  return typeof value === 'string' && value.length > EXCEL_MAX_CELL
    ? value.slice(0, EXCEL_MAX_CELL - CUT.length) + CUT
    : value;
}

/** Sheets of one kind, a new one begun whenever the current is full. */
class SheetSeries {
  private sheet: ExcelJS.Worksheet | null = null;
  private rows = 0;
  private count = 0;
  constructor(
    private readonly workbook: ExcelJS.stream.xlsx.WorkbookWriter,
    private readonly name: string,
    private readonly header: string[],
    private readonly maxRows: number,
  ) {}

  add(values: ExportValue[]): void {
    if (!this.sheet || this.rows >= this.maxRows) {
      this.sheet?.commit();
      this.count++;
      this.sheet = this.workbook.addWorksheet(this.count === 1 ? this.name : `${this.name} ${this.count}`);
      this.sheet.addRow(this.header).commit();
      this.rows = 1;
    }
    this.sheet.addRow(values.map(cell)).commit();
    this.rows++;
  }

  /** Commits the last sheet; a series with no rows still gets its header. */
  commit(): void {
    if (!this.sheet) this.add([]);
    this.sheet?.commit();
  }
}

/**
 * Waits while the zip has more than a little waiting to be written: exceljs does not pass
 * backpressure on from its output, so the writer holds back itself, page by page.
 */
async function settle(zip: { readableLength?: number } | undefined, out: Writable): Promise<void> {
  for (;;) {
    await drained(out);
    if ((zip?.readableLength ?? 0) <= 1024 * 1024) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export async function writeXlsxExport(
  sql: Sql,
  request: ExportRequest,
  out: Writable,
  options: {
    onPage?: (progress: ExportProgress) => Promise<void>;
    signal?: AbortSignal;
    /** Rows per sheet, header included: Excel's limit unless a test asks for fewer. */
    maxSheetRows?: number;
    /** Stop after this many jobs (a direct download's limit). */
    maxRows?: number;
  } = {},
): Promise<{ rows: number }> {
  const maxRows = options.maxSheetRows ?? EXCEL_MAX_ROWS;
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
  // exceljs's archiver: where compressed bytes wait for `out`.
  const zip = (workbook as unknown as { zip?: { readableLength?: number } }).zip;
  const jobs = new SheetSeries(workbook, 'Jobs', [...request.fields, ...(request.withInput ? ['input'] : [])], maxRows);
  let rows = 0;
  // Logs are read in a second pass, after the Jobs sheets are committed: a zip is written one entry
  // at a time, so a Logs sheet written alongside would be held in memory until the Jobs sheet ended.
  for await (const page of exportPages(sql, { ...request, withLogs: false }, { maxRows: options.maxRows })) {
    options.signal?.throwIfAborted();
    for (const row of page.rows)
      jobs.add([...row.values, ...(request.withInput ? [JSON.stringify(row.input ?? null)] : [])]);
    rows += page.rows.length;
    await settle(zip, out);
    await options.onPage?.({ rows, bytes: out.writableLength, position: page.next, scanned: page.next === null });
  }
  jobs.commit();

  writeSummary(workbook.addWorksheet('Summary'), await summarizeSearch(sql, request.search), rows);

  if (request.withLogs) {
    const logs = new SheetSeries(workbook, 'Logs', ['jobId', 'at', 'attempt', 'level', 'message'], maxRows);
    for await (const page of exportPages(
      sql,
      { ...request, fields: ['id'], withInput: false, withLogs: false },
      {
        batch: PAGE_SIZE_WITH_LOGS,
        maxRows: options.maxRows,
      },
    )) {
      options.signal?.throwIfAborted();
      const byJob = await logsOf(
        sql,
        page.rows.map((row) => row.id),
      );
      for (const row of page.rows)
        for (const log of byJob.get(row.id) ?? []) logs.add([row.id, log.at, log.attempt, log.level, log.message]);
      await settle(zip, out);
    }
    logs.commit();
  }
  await workbook.commit();
  return { rows };
}

function writeSummary(
  sheet: ExcelJS.Worksheet,
  summary: Awaited<ReturnType<typeof summarizeSearch>>,
  rows: number,
): void {
  const add = (values: ExportValue[]) => sheet.addRow(values).commit();
  add(['Jobs exported', rows]);
  add(['Jobs matching when summarised', summary.total]);
  add([]);
  add(['State', 'Jobs']);
  for (const { state, count } of summary.byState) add([state, count]);
  add([]);
  add(['Type', 'Jobs']);
  for (const { type, count } of summary.byType) add([type, count]);
  add([]);
  add(['Duration (ms)', 'count', 'min', 'avg', 'p50', 'p95', 'max']);
  const line = (name: string, stats: DurationStats) =>
    add([name, stats.count, stats.min, stats.avg, stats.p50, stats.p95, stats.max]);
  line('runMs', summary.runMs);
  line('waitMs', summary.waitMs);
  sheet.commit();
}
