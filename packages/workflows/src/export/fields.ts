// What one exported job is: the chosen record fields (dates as ISO 8601 text, durations in ms, the
// priority by name), the input when asked for (always redacted), its logs when asked for. Every format
// maps this same row, so that a CSV and an xlsx of one search say the same thing.
import { z } from 'zod';
import { jobSearch } from '../control/search/filter';
import { redactSecrets, redactText } from '../runtime/redact';
import { EXPORT_FIELDS, EXPORT_FORMATS, type ExportField } from '../runtime/search-vocabulary';
import { priorityFromKey } from '../runtime/states';

/** What an export is asked for: the same in exports.create, the JobExport row and the writers. */
export const exportRequest = z
  .object({
    search: jobSearch,
    format: z.enum(EXPORT_FORMATS),
    /** The record's fields, written in EXPORT_FIELDS' order whatever order they are given in; all by default. */
    fields: z
      .array(z.enum(EXPORT_FIELDS))
      .min(1, 'choose at least one field, or leave fields out for all of them')
      .max(EXPORT_FIELDS.length)
      .optional(),
    withInput: z.boolean().optional(),
    withLogs: z.boolean().optional(),
  })
  .strict();
export type ExportRequestInput = z.input<typeof exportRequest>;

/** A request with its defaults applied: every field named, in order, and both flags set. */
export interface ExportRequest {
  search: z.output<typeof jobSearch>;
  format: (typeof EXPORT_FORMATS)[number];
  fields: ExportField[];
  withInput: boolean;
  withLogs: boolean;
}

export function normaliseRequest(request: z.output<typeof exportRequest>): ExportRequest {
  const chosen = new Set(request.fields ?? EXPORT_FIELDS);
  return {
    search: request.search,
    format: request.format,
    fields: EXPORT_FIELDS.filter((field) => chosen.has(field)),
    withInput: request.withInput ?? false,
    withLogs: request.withLogs ?? false,
  };
}

/** The record column each field reads (a fixed list: no caller text ever reaches the SQL). */
const COLUMNS: Record<ExportField, string> = {
  id: '"id"',
  type: '"type"',
  queue: '"queue"',
  state: '"state"::text',
  priority: '"priority"',
  attempts: '"attempts"',
  maxAttempts: '"maxAttempts"',
  progressPercent: '"progressPercent"',
  requestedBy: '"requestedBy"',
  scheduleId: '"scheduleId"',
  templateId: '"templateId"',
  retryOf: '"retryOfId"',
  retriedAs: '"retriedAsId"',
  createdAt: '"createdAt"',
  runAt: '"runAt"',
  startedAt: '"startedAt"',
  finishedAt: '"finishedAt"',
  runMs: '"runMs"',
  waitMs: '"waitMs"',
  resultSummary: '"resultSummary"',
  errorType: '"errorType"',
  error: '"error"',
};

/** The SELECT list of a page: the id (keyset pages need it), each chosen field under its own name, the input if asked. */
export function exportColumns(request: Pick<ExportRequest, 'fields' | 'withInput'>): string {
  const fields = request.fields.filter((field) => field !== 'id').map((field) => `${COLUMNS[field]} AS "f_${field}"`);
  return ['"id"', ...fields, ...(request.withInput ? ['"input" AS "input"'] : [])].join(', ');
}

export type ExportValue = string | number | null;

export interface ExportLog {
  at: string;
  attempt: number;
  level: string;
  message: string;
}

/** One job as every format writes it. */
export interface ExportRow {
  id: string;
  /** The chosen fields, in EXPORT_FIELDS' order. */
  values: ExportValue[];
  /** Redacted; present only when the input was asked for. */
  input?: unknown;
  /** Present only when logs were asked for. */
  logs?: ExportLog[];
}

export type DbRow = { id: string } & Record<string, unknown>;

function value(field: ExportField, raw: unknown): ExportValue {
  if (raw === null || raw === undefined) return null;
  if (raw instanceof Date) return raw.toISOString();
  if (field === 'priority') return priorityFromKey(Number(raw));
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'bigint') return Number(raw);
  // Errors and summaries are recorded redacted; passed through once more because an export leaves Jobdeck.
  return field === 'error' || field === 'resultSummary' ? redactText(String(raw)) : String(raw);
}

export function toExportRow(row: DbRow, request: Pick<ExportRequest, 'fields' | 'withInput'>): ExportRow {
  return {
    id: row.id,
    values: request.fields.map((field) => value(field, field === 'id' ? row.id : row[`f_${field}`])),
    ...(request.withInput ? { input: redactSecrets(row.input ?? null) } : {}),
  };
}

/** A row as an object keyed by field name (JSON and NDJSON), input and logs after the fields. */
export function rowObject(row: ExportRow, request: Pick<ExportRequest, 'fields' | 'withInput' | 'withLogs'>) {
  const object: Record<string, unknown> = {};
  request.fields.forEach((field, index) => (object[field] = row.values[index] ?? null));
  if (request.withInput) object.input = row.input ?? null;
  if (request.withLogs) object.logs = row.logs ?? [];
  return object;
}
