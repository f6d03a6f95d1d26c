// Exports of a search: the formats, and the writers the API (direct downloads) and jobs.export share.
import { csvFormat } from './csv';
import { jsonFormat } from './json';
import { ndjsonFormat } from './ndjson';
import type { TextFormat } from './text-format';
import { xlsxFormat } from './xlsx';
import type { ExportFormat } from '../runtime/search-vocabulary';

export * from './fields';
export { csvCell } from './csv';
export { exportPages, MAX_LOGS_PER_JOB } from './source';
export { streamSink, fileSink, drained, type ExportSink } from './sink';
export { summarizeSearch, type ExportSummary } from './summary';
export { writeTextExport, NO_PROGRESS, type ExportProgress } from './write-text';
export { writeXlsxExport, EXCEL_MAX_ROWS } from './xlsx';
export { deleteExpiredExports, exportFileName, exportsDir, EXPORT_DOWNLOAD_HOURS } from './files';
export type { TextFormat };

export const TEXT_FORMATS: Record<Exclude<ExportFormat, 'xlsx'>, TextFormat> = {
  csv: csvFormat,
  json: jsonFormat,
  ndjson: ndjsonFormat,
};

/** The file name ending and Content-Type of each format. */
export const FORMAT_FILES: Record<ExportFormat, { extension: string; contentType: string }> = {
  csv: csvFormat,
  json: jsonFormat,
  ndjson: ndjsonFormat,
  xlsx: xlsxFormat,
};
