// A job as a list row shows it: Temporal's execution joined with the Postgres record's columns.
import type { Job, Sql } from '@jobdeck/db';
import { priorityFromKey, type JobState } from '@jobdeck/workflows';
import { deriveJobState } from './state';
import type { ExecutionRow } from './temporal-views';

export interface JobProgressView {
  percent: number;
  step: string | null;
  stepsDone: number;
  stepsTotal: number | null;
  message: string | null;
}

export interface JobSummary {
  id: string;
  runId: string | null;
  type: string;
  queue: string;
  state: JobState;
  priority: string;
  requestedBy: string | null;
  progress: JobProgressView | null;
  attempts: number;
  maxAttempts: number | null;
  error: string | null;
  createdAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  /** When a retry replaced this job (`jobs.retry` with `supersede`); such jobs are listed only when asked for. */
  supersededAt: string | null;
}

/** The columns a list row shows: never the input or result, which may be large. */
export const SUMMARY_COLUMNS = {
  id: true,
  runId: true,
  type: true,
  queue: true,
  state: true,
  priority: true,
  requestedBy: true,
  progressPercent: true,
  progressStep: true,
  stepsDone: true,
  stepsTotal: true,
  progressMessage: true,
  attempts: true,
  maxAttempts: true,
  error: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  supersededAt: true,
} as const satisfies Partial<Record<keyof Job, true>>;
export type SummaryRecord = Pick<Job, keyof typeof SUMMARY_COLUMNS>;
const SUMMARY_SELECT = Object.keys(SUMMARY_COLUMNS)
  .map((column) => `"${column}"`)
  .join(', ');

/** The list's records, by id: plain SQL, as this runs on every list (see createSql). */
export async function summaryRecords(sql: Sql, ids: string[]): Promise<SummaryRecord[]> {
  const { rows } = await sql.query<SummaryRecord>(`SELECT ${SUMMARY_SELECT} FROM "Job" WHERE "id" = ANY($1::text[])`, [
    ids,
  ]);
  return rows;
}

export function progressOf(record: SummaryRecord | null | undefined): JobProgressView | null {
  if (!record) return null;
  return {
    percent: record.progressPercent,
    step: record.progressStep,
    stepsDone: record.stepsDone,
    stepsTotal: record.stepsTotal,
    message: record.progressMessage,
  };
}

/**
 * A running job's JobState turns `active` in Temporal a moment after its attempt starts (the worker
 * saves history events by upserting it late), while the record is written at once: a job Temporal
 * still calls waiting whose record says active or retrying has started.
 */
export function listedState(
  row: Pick<ExecutionRow, 'status' | 'jobState' | 'executionTime' | 'startTime'>,
  recordState: JobState | undefined,
): JobState {
  const state = deriveJobState({
    status: row.status,
    jobStateAttribute: row.jobState,
    executionTime: row.executionTime ? new Date(row.executionTime) : null,
    startTime: row.startTime ? new Date(row.startTime) : null,
  });
  return state === 'waiting' && (recordState === 'active' || recordState === 'retrying') ? recordState : state;
}

export function summaryOf(row: ExecutionRow, record: SummaryRecord | undefined): JobSummary {
  return {
    id: row.id,
    runId: row.runId,
    type: row.type,
    queue: row.queue,
    state: listedState(row, record?.state),
    priority: priorityFromKey(row.priorityKey ?? record?.priority ?? 3),
    requestedBy: row.requestedBy ?? record?.requestedBy ?? null,
    progress: progressOf(record),
    attempts: record?.attempts ?? 0,
    maxAttempts: record?.maxAttempts ?? null,
    error: record?.error ?? null,
    createdAt: record?.createdAt.toISOString() ?? row.startTime,
    startedAt: record?.startedAt?.toISOString() ?? null,
    finishedAt: row.closeTime ?? record?.finishedAt?.toISOString() ?? null,
    supersededAt: record?.supersededAt?.toISOString() ?? null,
  };
}

export function recordSummary(record: SummaryRecord): JobSummary {
  return {
    id: record.id,
    runId: record.runId,
    type: record.type,
    queue: record.queue,
    state: record.state,
    priority: priorityFromKey(record.priority),
    requestedBy: record.requestedBy,
    progress: progressOf(record),
    attempts: record.attempts,
    maxAttempts: record.maxAttempts,
    error: record.error,
    createdAt: record.createdAt.toISOString(),
    startedAt: record.startedAt?.toISOString() ?? null,
    finishedAt: record.finishedAt?.toISOString() ?? null,
    supersededAt: record.supersededAt?.toISOString() ?? null,
  };
}
