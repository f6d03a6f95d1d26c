// A job record's row and the statements the recorder runs for every job, in plain SQL (see createSql in @jobdeck/db).
import type { Sql } from '@jobdeck/db';
import type { JobEnvelope } from '../envelope';
import { LIVE_STATES, PRIORITY_KEYS } from '../states';
import type { endData } from './outcome';
import { searchableInput } from '../search-text';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The live states as an SQL list, for statements that move a record only while it is live. */
export const LIVE_STATES_SQL = LIVE_STATES.map((state) => `'${state}'`).join(', ');

// The record's DateTime columns are `timestamp(3)` (without time zone) holding UTC, as Prisma writes them.
// pg would write a Date in the process's time zone: an ISO string's UTC wall time is stored as is
// (Postgres ignores its `Z` for a column without time zone).
export function timestamp(date: Date): string {
  return date.toISOString();
}

/** A Json column's value as Prisma writes it: absent is SQL NULL, anything else its JSON text (null too: JSON null). */
function jsonText(value: unknown): string | null {
  return value === undefined ? null : (JSON.stringify(value) ?? null);
}

/** `attempt` null: the attempts the job's record counts so far (its end's line belongs to its last attempt). */
export function insertLog(
  sql: Sql,
  jobId: string,
  level: LogLevel,
  message: string,
  attempt: number | null,
  data: object | undefined,
  at: Date,
) {
  return sql.query(
    `INSERT INTO "JobLog" ("jobId", "level", "message", "attempt", "data", "createdAt")
     VALUES ($1, $2::"LogLevel", $3, COALESCE($4::integer, (SELECT "attempts" FROM "Job" WHERE "id" = $1), 0), $5::jsonb, $6::timestamp(3))`,
    [jobId, level, message, attempt, jsonText(data), timestamp(at)],
  );
}

// A record that exists already (the API wrote it, or an earlier delivery of the same start) is left as it is.
// Every NOT NULL column without a database default is given ("updatedAt" is Prisma's @updatedAt: no default).
export const INSERT_JOB = `INSERT INTO "Job" (
    "id", "runId", "type", "queue", "priority", "state", "input", "requestedBy", "idempotencyKey", "maxAttempts",
    "timeoutMs", "createdAt", "runAt", "scheduleId", "retryOfId", "rateLimitKey", "updatedAt", "templateId", "inputText",
    "parentId", "flowNode"
  ) VALUES (
    $1, $2, $3, $4, $5::integer, $6::"JobState", $7::jsonb, $8, $9, $10::integer,
    $11::integer, $12::timestamp(3), $13::timestamp(3), $14, $15, $16, $17::timestamp(3), $18, $19,
    $20, $21
  ) ON CONFLICT DO NOTHING`;

/** INSERT_JOB's parameters for a record of `recordOfEnvelope`: what it leaves out is NULL. */
export function jobRow(record: ReturnType<typeof recordOfEnvelope>, now: Date): unknown[] {
  return [
    record.id,
    record.runId,
    record.type,
    record.queue,
    record.priority,
    record.state,
    jsonText(record.input),
    record.requestedBy,
    record.idempotencyKey ?? null,
    record.maxAttempts,
    record.timeoutMs ?? null,
    timestamp(record.createdAt),
    record.runAt ? timestamp(record.runAt) : null,
    record.scheduleId ?? null,
    record.retryOfId ?? null,
    record.rateLimitKey ?? null,
    timestamp(now),
    record.templateId ?? null,
    record.inputText,
    record.parentId ?? null,
    record.flowNode ?? null,
  ];
}

export type EndFields = ReturnType<typeof endData>;
/** Every field `endData` may return, whatever the outcome. */
type EndColumn = EndFields extends infer Fields ? (Fields extends unknown ? keyof Fields : never) : never;
const END_COLUMN_TYPES: Record<EndColumn, string> = {
  state: '"JobState"',
  result: 'jsonb',
  resultSummary: 'text',
  progressPercent: 'double precision',
  error: 'text',
  errorStack: 'text',
  errorType: 'text',
};

/**
 * The UPDATE of a job's end: exactly the fields `endData` returned (an undefined one is left as it is,
 * as Prisma did), with "finishedAt" and "updatedAt".
 */
export function endUpdate(jobId: string, fields: EndFields, finishedAt: Date): [string, unknown[]] {
  const values: unknown[] = [jobId];
  const sets: string[] = [];
  const set = (column: string, type: string, value: unknown) => {
    values.push(value);
    sets.push(`"${column}" = $${values.length}::${type}`);
  };
  for (const [column, value] of Object.entries(fields) as Array<[EndColumn, unknown]>) {
    if (value === undefined) continue;
    set(column, END_COLUMN_TYPES[column], column === 'result' ? jsonText(value) : value);
  }
  set('finishedAt', 'timestamp(3)', timestamp(finishedAt));
  set('updatedAt', 'timestamp(3)', timestamp(new Date()));
  return [`UPDATE "Job" SET ${sets.join(', ')} WHERE "id" = $1`, values];
}

/** A new job's record, from the envelope its workflow received: everything the record holds at start. */
export function recordOfEnvelope(job: JobEnvelope, runId: string) {
  return {
    id: job.jobId,
    runId,
    type: job.type,
    queue: job.queue,
    priority: PRIORITY_KEYS[job.priority],
    state: 'waiting' as const,
    input: (job.input ?? {}) as object,
    requestedBy: job.requestedBy,
    idempotencyKey: job.idempotencyKey,
    maxAttempts: job.retry.maxAttempts,
    timeoutMs: job.timeoutMs,
    createdAt: new Date(job.enqueuedAt),
    runAt: job.runAt ? new Date(job.runAt) : undefined,
    scheduleId: job.scheduleId,
    retryOfId: job.retryOf,
    rateLimitKey: job.rateLimit?.key,
    templateId: job.templateId,
    inputText: searchableInput(job.input),
    parentId: job.parentId,
    flowNode: job.flowNode,
  };
}
