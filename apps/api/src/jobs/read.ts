import { WorkflowNotFoundError } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { TRPCError } from '@trpc/server';
import type { Job, JobLog, Sql } from '@jobdeck/db';
import {
  defaultQueues,
  JobStateKey,
  JobTypeKey,
  priorityFromKey,
  redactSecrets,
  type JobState,
} from '@jobdeck/workflows';
import { isTemporalUnavailable, TEMPORAL_AWAY_MESSAGE } from '../errors';
import type { Services } from '../services';
import { deriveJobState, type PendingActivityView } from './state';
import { executionRow, pendingActivityView, statusName, type ExecutionRow } from './temporal-views';
import { BUCKET_STATES, jobsQuery, type JobFilter } from '@jobdeck/workflows/control';

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
}

/** The columns a list row shows: never the input or result, which may be large. */
const SUMMARY_COLUMNS = {
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
} as const satisfies Partial<Record<keyof Job, true>>;
type SummaryRecord = Pick<Job, keyof typeof SUMMARY_COLUMNS>;
const SUMMARY_SELECT = Object.keys(SUMMARY_COLUMNS)
  .map((column) => `"${column}"`)
  .join(', ');

/** The list's records, by id: plain SQL, as this runs on every list (see createSql). */
async function summaryRecords(sql: Sql, ids: string[]): Promise<SummaryRecord[]> {
  const { rows } = await sql.query<SummaryRecord>(`SELECT ${SUMMARY_SELECT} FROM "Job" WHERE "id" = ANY($1::text[])`, [
    ids,
  ]);
  return rows;
}

function progressOf(record: SummaryRecord | null | undefined): JobProgressView | null {
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

function summary(row: ExecutionRow, record: SummaryRecord | undefined): JobSummary {
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
  };
}

function recordSummary(record: SummaryRecord): JobSummary {
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
  };
}

/**
 * Jobs from Temporal visibility (what is really running, failed, waiting), with progress and errors
 * from Postgres. Should Temporal be unreachable, the list comes from Postgres alone and says so.
 */
export async function listJobs(services: Services, filter: JobFilter, limit: number, cursorText?: string) {
  const cursor = cursorText ? services.cursors.decode(cursorText) : null;
  // A list that started from Postgres (Temporal was away) goes on from Postgres, so its pages fit together.
  if (cursor?.source === 'postgres') return listFromPostgres(services, filter, limit, cursor.offset);
  try {
    return await listFromTemporal(services, filter, limit, cursor?.token);
  } catch (error) {
    if (!isTemporalUnavailable(error)) throw error;
    return listFromPostgres(services, filter, limit, 0);
  }
}

async function listFromTemporal(services: Services, filter: JobFilter, limit: number, pageToken?: Buffer) {
  const { temporal, sql, config, cursors } = services;
  const response = await temporal.workflowService.listWorkflowExecutions({
    namespace: config.temporalNamespace,
    query: jobsQuery(filter),
    pageSize: limit,
    nextPageToken: pageToken,
  });
  const rows = (response.executions ?? []).map(executionRow);
  const records = rows.length
    ? await summaryRecords(
        sql,
        rows.map((row) => row.id),
      )
    : [];
  const byId = new Map(records.map((record) => [record.id, record]));
  const nextCursor = response.nextPageToken?.length
    ? cursors.encode({ source: 'temporal', token: Buffer.from(response.nextPageToken) })
    : null;
  return { items: rows.map((row) => summary(row, byId.get(row.id))), nextCursor, source: 'temporal' as const };
}

async function listFromPostgres(services: Services, filter: JobFilter, limit: number, offset: number) {
  const records = await services.db.job.findMany({
    where: {
      type: filter.type,
      queue: filter.queue,
      scheduleId: filter.scheduleId,
      state: filter.state ?? (filter.bucket ? { in: [...BUCKET_STATES[filter.bucket]] } : undefined),
    },
    select: SUMMARY_COLUMNS,
    orderBy: { createdAt: 'desc' },
    skip: offset,
    take: limit + 1,
  });
  return {
    items: records.slice(0, limit).map(recordSummary),
    nextCursor: records.length > limit ? services.cursors.encode({ source: 'postgres', offset: offset + limit }) : null,
    source: 'postgres' as const,
  };
}

export interface JobDetail extends JobSummary {
  input: unknown;
  result: unknown;
  resultSummary: string | null;
  errorStack: string | null;
  timeoutMs: number | null;
  idempotencyKey: string | null;
  /** The Temporal Schedule that started this job, if one did. */
  scheduleId: string | null;
  runAt: string | null;
  lastHeartbeatAt: string | null;
  retryOfId: string | null;
  retriedAsId: string | null;
  supersededAt: string | null;
  rateLimitKey: string | null;
  pendingActivities: PendingActivityView[];
  /** `postgres` when Temporal did not answer: state and timings are the record's, which may lag. */
  source: 'temporal' | 'postgres';
  temporal: {
    status: string;
    namespace: string;
    workflowType: string | null;
    historyLength: number | null;
    uiUrl: string;
    describeCommand: string;
  } | null;
  logs: Array<{ id: string; level: string; message: string; attempt: number; data: unknown; at: string }>;
}

export async function getJob(services: Services, id: string): Promise<JobDetail> {
  const { temporal, sql, config } = services;
  const [record, description, logs] = await Promise.all([
    // Plain SQL (see createSql): the page's two reads run beside Temporal's describe, on every open page.
    sql.query<Job>('SELECT * FROM "Job" WHERE "id" = $1', [id]).then(({ rows }) => rows[0] ?? null),
    temporal.workflow
      .getHandle(id)
      .describe()
      .catch((error: unknown) => {
        if (error instanceof WorkflowNotFoundError) return null;
        if (!isTemporalUnavailable(error)) throw error;
        services.outages.note(error);
        return undefined; // unknown: Temporal is away, the record answers
      }),
    // A log id is a bigint: pg reads it as its decimal text, which is what the answer carries.
    sql
      .query<LogRow>('SELECT * FROM "JobLog" WHERE "jobId" = $1 ORDER BY "id" DESC LIMIT 200', [id])
      .then(({ rows }) => rows),
  ]);
  if (!record && description === undefined)
    throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: TEMPORAL_AWAY_MESSAGE });
  if (!record && !description) throw new TRPCError({ code: 'NOT_FOUND', message: `no job ${id}` });

  const pending = await Promise.all(
    (description?.raw.pendingActivities ?? []).map((activity) =>
      pendingActivityView(activity, temporal.options.loadedDataConverter),
    ),
  );
  const status = description ? statusName(description.raw.workflowExecutionInfo?.status) : null;
  const state = description
    ? deriveJobState({
        status: status!,
        jobStateAttribute: description.typedSearchAttributes.get(JobStateKey),
        pendingActivities: pending,
        executionTime: description.executionTime ?? null,
        startTime: description.startTime,
      })
    : record!.state;

  // A read writes nothing: records of jobs that ended without recording it (terminated, timed out)
  // are brought in line by the reconciler, and until then the answer is Temporal's.
  const row = record;
  const namespace = config.temporalNamespace;
  const lastHeartbeat =
    pending
      .map((activity) => activity.lastHeartbeatAt)
      .filter(Boolean)
      .sort()
      .at(-1) ??
    row?.lastHeartbeatAt?.toISOString() ??
    null;

  return {
    id,
    runId: description?.runId ?? row?.runId ?? null,
    type: row?.type ?? description?.typedSearchAttributes.get(JobTypeKey) ?? description?.type ?? 'unknown',
    queue: description?.taskQueue ?? row!.queue,
    state,
    priority: priorityFromKey(row?.priority ?? 3),
    requestedBy: row?.requestedBy ?? null,
    progress: progressOf(row),
    // Attempts made so far, as the list counts them: an activity waiting out its backoff names the attempt to come.
    attempts: Math.max(
      row?.attempts ?? 0,
      ...pending.map((activity) => (activity.state === 'STARTED' ? activity.attempt : activity.attempt - 1)),
    ),
    error:
      row?.error ??
      pending.find((activity) => activity.lastFailure)?.lastFailure ??
      unrecordedEnd(state, row?.timeoutMs ?? null),
    errorStack: row?.errorStack ?? null,
    createdAt: row?.createdAt.toISOString() ?? description?.startTime.toISOString() ?? null,
    startedAt: row?.startedAt?.toISOString() ?? null,
    finishedAt: description?.closeTime?.toISOString() ?? row?.finishedAt?.toISOString() ?? null,
    input: redactSecrets(row?.input ?? null),
    result: row?.result ?? null,
    resultSummary: row?.resultSummary ?? null,
    maxAttempts: row?.maxAttempts ?? null,
    timeoutMs: row?.timeoutMs ?? null,
    idempotencyKey: row?.idempotencyKey ?? null,
    scheduleId: scheduledBy(description) ?? row?.scheduleId ?? null,
    runAt: row?.runAt?.toISOString() ?? null,
    lastHeartbeatAt: lastHeartbeat,
    retryOfId: row?.retryOfId ?? null,
    // A claim in progress (`pending:…`) is not a link yet.
    retriedAsId: row?.retriedAsId?.startsWith('pending:') ? null : (row?.retriedAsId ?? null),
    supersededAt: row?.supersededAt?.toISOString() ?? null,
    rateLimitKey: row?.rateLimitKey ?? null,
    pendingActivities: pending,
    temporal: description
      ? {
          status: status!,
          namespace,
          workflowType: description.type,
          historyLength: description.historyLength,
          uiUrl: `${config.temporalUiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(id)}`,
          describeCommand: `temporal workflow describe --namespace ${namespace} --workflow-id ${id}`,
        }
      : null,
    logs: logs.map(logView),
    source: description === undefined ? 'postgres' : 'temporal',
  };
}

/** What a job that ended where its workflow could not record it (timed out, terminated) says until the reconciler records it. */
function unrecordedEnd(state: JobState, timeoutMs: number | null): string | null {
  if (state === 'timed_out') return `timed out${timeoutMs ? ` after ${timeoutMs} ms` : ''}`;
  return state === 'terminated' ? 'terminated' : null;
}

type LogRow = Omit<JobLog, 'id'> & { id: string };

function logView(log: LogRow) {
  return {
    id: log.id.toString(),
    level: log.level,
    message: log.message,
    attempt: log.attempt,
    data: log.data,
    at: log.createdAt.toISOString(),
  };
}

/** The catalogue's queues and any other queue jobs were enqueued on lately (enqueue may name one). */
export async function knownQueues(services: Services): Promise<string[]> {
  return services.cache.remember('queues', 5_000, async () => {
    const since = new Date(Date.now() - 7 * 86_400_000);
    const rows = await services.db.job
      .findMany({ where: { createdAt: { gte: since } }, distinct: ['queue'], select: { queue: true } })
      .catch(() => []);
    return [...new Set([...defaultQueues(), ...rows.map((row) => row.queue)])].sort();
  });
}

/** Temporal's built-in TemporalScheduledById, which a schedule sets on every workflow it starts. */
const ScheduledByIdKey = defineSearchAttributeKey('TemporalScheduledById', SearchAttributeType.KEYWORD);
function scheduledBy(
  description:
    | {
        typedSearchAttributes: { get(key: typeof ScheduledByIdKey): string | undefined };
        raw: {
          workflowExecutionInfo?: {
            searchAttributes?: { indexedFields?: Record<string, { data?: Uint8Array | null } | null> | null } | null;
          } | null;
        };
      }
    | null
    | undefined,
): string | null {
  if (!description) return null;
  try {
    const typed = description.typedSearchAttributes.get(ScheduledByIdKey);
    if (typed) return typed;
  } catch {
    // fall back to the raw payload below
  }
  const data = description.raw.workflowExecutionInfo?.searchAttributes?.indexedFields?.TemporalScheduledById?.data;
  if (!data) return null;
  try {
    const value = JSON.parse(Buffer.from(data).toString('utf8')) as unknown;
    return typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : null;
  } catch {
    return null;
  }
}
