// One job's page: Temporal's describe (status, pending activities, last failure) merged with the
// record and its latest logs. A read: nothing here writes (see getJob).
import { WorkflowNotFoundError } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { Job, JobLog } from '@jobdeck/db';
import { JobStateKey, JobTypeKey, priorityFromKey, redactSecrets, type JobState } from '@jobdeck/workflows';
import { DomainError } from '@jobdeck/workflows/control';
import { isTemporalUnavailable, TEMPORAL_AWAY_MESSAGE } from '../errors';
import type { Services } from '../services';
import { deriveJobState, type PendingActivityView } from './state';
import { progressOf, type JobSummary } from './summary';
import { pendingActivityView, statusName } from './temporal-views';
import { withEstimates } from '../insight/estimate';

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
  rateLimitKey: string | null;
  /** The job that started this one as its child (a flow, or a job using runChildJob), and its type. */
  parentId: string | null;
  parentType: string | null;
  /** The flow node this job runs (`key`, or `key[index]` for a fan-out's item); null outside flows. */
  flowNode: string | null;
  /** Its own children, oldest first: the first CHILDREN_SHOWN of childCount. */
  children: Array<{ id: string; type: string; state: JobState; flowNode: string | null }>;
  childCount: number;
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

/** One job's page; a running job says when it should end (see insight/estimate.ts). */
export async function getJob(services: Services, id: string) {
  const [job] = await withEstimates(services, [await readJob(services, id)]);
  return job!;
}

async function readJob(services: Services, id: string): Promise<JobDetail> {
  const { temporal, sql, config } = services;
  const [record, description, logs, children] = await Promise.all([
    // Plain SQL (see createSql): the page's reads run beside Temporal's describe, on every open page.
    sql
      .query<Job & { parentType: string | null }>(
        `SELECT j.*, p."type" AS "parentType" FROM "Job" j LEFT JOIN "Job" p ON p."id" = j."parentId" WHERE j."id" = $1`,
        [id],
      )
      .then(({ rows }) => rows[0] ?? null),
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
    // The first children and how many there are, in one read of the (parentId, createdAt) index.
    sql
      .query<ChildRow>(
        `SELECT "id", "type", "state", "flowNode", count(*) OVER () AS "total" FROM "Job"
          WHERE "parentId" = $1 ORDER BY "createdAt", "id" LIMIT ${CHILDREN_SHOWN}`,
        [id],
      )
      .then(({ rows }) => rows),
  ]);
  if (!record && description === undefined) throw new DomainError('SERVICE_UNAVAILABLE', TEMPORAL_AWAY_MESSAGE);
  if (!record && !description) throw new DomainError('NOT_FOUND', `no job ${id}`);

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
    // Temporal names the parent too, should the record not be written yet.
    parentId: row?.parentId ?? description?.parentExecution?.workflowId ?? null,
    parentType: row?.parentType ?? null,
    flowNode: row?.flowNode ?? null,
    children: children.map(({ total: _total, ...child }) => child),
    childCount: Number(children[0]?.total ?? 0),
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

/** How many of a job's children its page lists (a flow has up to 1,000); childCount says how many there are. */
const CHILDREN_SHOWN = 100;

/** count(*) is a bigint: pg reads it as its decimal text. */
type ChildRow = { id: string; type: string; state: JobState; flowNode: string | null; total: string };

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
