// CSV (RFC 4180): one line per job, CRLF line ends, a header line of field names.
import type { ExportValue } from './fields';
import type { TextFormat } from './text-format';

/** Spreadsheets read a cell starting with one of these as a formula: such cells get a leading quote. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell: a text that a spreadsheet would run as a formula is prefixed with `'` (OWASP's advice
 * on CSV injection), and a cell with a quote, comma or line break is quoted, its quotes doubled.
 * Numbers are written as numbers: `-5` stays a number.
 */
export function csvCell(value: ExportValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function csvLine(cells: ExportValue[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/**
 * The input is a column of JSON text; the logs are a column of JSON text too (an array of
 * {at, attempt, level, message}): one job stays one line, which every CSV reader keeps together. A
 * spreadsheet cell holds at most 32,767 characters: long logs are better read in JSON, NDJSON or xlsx.
 * A UTF-8 byte order mark starts the file, so that Excel reads accented letters right.
 */
export const csvFormat: TextFormat = {
  extension: 'csv',
  contentType: 'text/csv; charset=utf-8',
  head: (request) =>
    `\uFEFF${csvLine([...request.fields, ...(request.withInput ? ['input'] : []), ...(request.withLogs ? ['logs'] : [])])}`,
  row: (row, _index, request) =>
    csvLine([
      ...row.values,
      ...(request.withInput ? [JSON.stringify(row.input ?? null)] : []),
      ...(request.withLogs ? [JSON.stringify(row.logs ?? [])] : []),
    ]),
  tail: () => '',
};
