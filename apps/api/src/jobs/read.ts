import { WorkflowNotFoundError } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { TRPCError } from '@trpc/server';
import type { Job, JobLog } from '@jobdeck/db';
import { defaultQueues, jobTypes, toStorable, JobStateKey, JobTypeKey, priorityFromKey, redactSecrets, type JobState } from '@jobdeck/workflows';
import { isTemporalUnavailable } from '../errors';
import type { Services } from '../services';
import { bucketOf, deriveJobState, STAT_BUCKETS, type PendingActivityView } from './state';
import { executionRow, pendingActivityView, statusName, type ExecutionRow } from './temporal-views';
import { BUCKET_STATES, jobsQuery, stateClause, type JobFilter } from '@jobdeck/workflows/control';

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

function progressOf(record: Job | null | undefined): JobProgressView | null {
  if (!record) return null;
  return {
    percent: record.progressPercent,
    step: record.progressStep,
    stepsDone: record.stepsDone,
    stepsTotal: record.stepsTotal,
    message: record.progressMessage,
  };
}

function summary(row: ExecutionRow, record: Job | undefined): JobSummary {
  return {
    id: row.id,
    runId: row.runId,
    type: row.type,
    queue: row.queue,
    state: deriveJobState({ status: row.status, jobStateAttribute: row.jobState, executionTime: row.executionTime ? new Date(row.executionTime) : null }),
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

function recordSummary(record: Job): JobSummary {
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
  const { temporal, db, config, cursors } = services;
  const response = await temporal.workflowService.listWorkflowExecutions({
    namespace: config.temporalNamespace,
    query: jobsQuery(filter),
    pageSize: limit,
    nextPageToken: pageToken,
  });
  const rows = (response.executions ?? []).map(executionRow);
  const records = await db.job.findMany({ where: { id: { in: rows.map((row) => row.id) } } });
  const byId = new Map(records.map((record) => [record.id, record]));
  const nextCursor = response.nextPageToken?.length ? cursors.encode({ source: 'temporal', token: Buffer.from(response.nextPageToken) }) : null;
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
  temporal: { status: string; namespace: string; workflowType: string | null; historyLength: number | null; uiUrl: string; describeCommand: string } | null;
  logs: Array<{ id: string; level: string; message: string; attempt: number; data: unknown; at: string }>;
}

export async function getJob(services: Services, id: string): Promise<JobDetail> {
  const { temporal, db, config } = services;
  const [record, description, logs] = await Promise.all([
    db.job.findUnique({ where: { id } }),
    temporal.workflow
      .getHandle(id)
      .describe()
      .catch((error: unknown) => {
        if (error instanceof WorkflowNotFoundError) return null;
        if (isTemporalUnavailable(error)) return undefined; // unknown: Temporal is away
        throw error;
      }),
    db.jobLog.findMany({ where: { jobId: id }, orderBy: { id: 'desc' }, take: 200 }),
  ]);
  if (!record && !description) throw new TRPCError({ code: 'NOT_FOUND', message: `no job ${id}` });

  const pending = await Promise.all((description?.raw.pendingActivities ?? []).map((activity) => pendingActivityView(activity, temporal.options.loadedDataConverter)));
  const status = description ? statusName(description.raw.workflowExecutionInfo?.status) : null;
  const state = description
    ? deriveJobState({
        status: status!,
        jobStateAttribute: description.typedSearchAttributes.get(JobStateKey),
        pendingActivities: pending,
        executionTime: description.executionTime ?? null,
      })
    : record!.state;

  // A repair that cannot be written must not fail the read: the answer is Temporal's either way.
  const reconciled = record && description ? await reconcile(services, record, state, description.closeTime ?? null, id).catch(() => record) : record;
  const row = reconciled ?? record;
  const namespace = config.temporalNamespace;
  const lastHeartbeat = pending.map((activity) => activity.lastHeartbeatAt).filter(Boolean).sort().at(-1) ?? row?.lastHeartbeatAt?.toISOString() ?? null;

  return {
    id,
    runId: description?.runId ?? row?.runId ?? null,
    type: row?.type ?? description?.typedSearchAttributes.get(JobTypeKey) ?? description?.type ?? 'unknown',
    queue: description?.taskQueue ?? row!.queue,
    state,
    priority: priorityFromKey(row?.priority ?? 3),
    requestedBy: row?.requestedBy ?? null,
    progress: progressOf(row),
    attempts: Math.max(row?.attempts ?? 0, ...pending.map((activity) => activity.attempt)),
    error: row?.error ?? pending.find((activity) => activity.lastFailure)?.lastFailure ?? null,
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
  };
}

function logView(log: JobLog) {
  return { id: log.id.toString(), level: log.level, message: log.message, attempt: log.attempt, data: log.data, at: log.createdAt.toISOString() };
}

/**
 * A terminated or timed-out workflow cannot record its own end: when Temporal says a job is closed
 * but its record still says it runs, the record is brought in line (with the termination reason).
 */
async function reconcile(services: Services, record: Job, state: JobState, closeTime: Date | null, id: string): Promise<Job> {
  const live = ['waiting', 'delayed', 'active', 'retrying'];
  if (!live.includes(record.state) || live.includes(state)) return record;
  let error = record.error;
  if (state === 'terminated' || state === 'timed_out') {
    error = state === 'timed_out' ? `timed out${record.timeoutMs ? ` after ${record.timeoutMs} ms` : ''}` : 'terminated';
    if (state === 'terminated') {
      const history = await services.temporal.workflow.getHandle(id).fetchHistory().catch(() => null);
      const reason = history?.events?.at(-1)?.workflowExecutionTerminatedEventAttributes?.reason;
      if (reason) error = toStorable(`terminated: ${reason}`);
    }
  }
  return services.db.job.update({ where: { id }, data: { state, error, finishedAt: closeTime ?? new Date() } });
}

export interface StatGroup {
  name: string;
  counts: Record<JobState, number>;
  buckets: Record<(typeof STAT_BUCKETS)[number] | 'cancelled', number>;
  /** completed / (completed + failed + timed out + terminated), over what Temporal retains; null with none finished. */
  successRate: number | null;
  /** Jobs completed in the last five minutes, per minute. */
  perMinute: number;
  /** Jobs that ended unsuccessfully (failed, timed out, terminated) in the last five minutes, per minute. */
  failedPerMinute: number;
}

const RUNNING_STATES = ['waiting', 'delayed', 'active', 'retrying'] as const;
const STATUS_TO_STATE: Record<string, JobState> = {
  Completed: 'completed',
  Failed: 'failed',
  Canceled: 'cancelled',
  Terminated: 'terminated',
  TimedOut: 'timed_out',
};

/** Every execution a query matches, page by page, up to a cap; null past the cap. */
async function listAll(services: Services, query: string, cap = 10_000): Promise<ExecutionRow[] | null> {
  const rows: ExecutionRow[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await services.temporal.workflowService.listWorkflowExecutions({
      namespace: services.config.temporalNamespace,
      query,
      pageSize: 1000,
      nextPageToken,
    });
    rows.push(...(page.executions ?? []).map(executionRow));
    if (rows.length > cap) return null;
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return rows;
}

const LIVE = new Set<string>(RUNNING_STATES);
const UNSUCCESSFUL = new Set(['FAILED', 'TIMED_OUT', 'TERMINATED']);

interface Group {
  name: string;
  filter: JobFilter;
  matches: (row: ExecutionRow) => boolean;
}

/**
 * The stats in few visibility calls (Temporal rate-limits them per namespace, 10/s by default in
 * production): per group one `count … GROUP BY ExecutionStatus` for the closed states, and for the
 * running and the recently closed, which are few, one listing each, shared by every group and
 * counted here by their JobState attribute. The numbers are those of
 * `temporal workflow count --query "… AND ExecutionStatus='Running' AND JobState='active'"`.
 */
async function collectStats(services: Services, groups: Group[]): Promise<StatGroup[]> {
  const { temporal } = services;
  const since = new Date(Date.now() - 5 * 60_000).toISOString();
  const [byStatus, running, recent] = await Promise.all([
    Promise.all(groups.map((group) => temporal.workflow.count(`${jobsQuery(group.filter)} GROUP BY ExecutionStatus`))),
    listAll(services, `${jobsQuery({})} AND ExecutionStatus='Running'`),
    listAll(services, `${jobsQuery({})} AND CloseTime > '${since}'`),
  ]);
  return Promise.all(
    groups.map(async (group, index) => {
      const counts = Object.fromEntries([...RUNNING_STATES, ...Object.values(STATUS_TO_STATE)].map((state) => [state, 0])) as Record<JobState, number>;
      for (const entry of byStatus[index]!.groups) {
        const state = STATUS_TO_STATE[String(entry.groupValues[0])];
        if (state) counts[state] = entry.count;
      }
      if (running) {
        for (const row of running.filter(group.matches)) counts[LIVE.has(row.jobState ?? '') ? (row.jobState as JobState) : 'active']++;
      } else {
        // More running jobs than a listing should read: count each live state instead.
        const live = await Promise.all(RUNNING_STATES.map((state) => temporal.workflow.count(`${jobsQuery(group.filter)} AND ${stateClause(state)}`)));
        RUNNING_STATES.forEach((state, i) => (counts[state] = live[i]!.count));
      }
      const closedLately = (recent ?? []).filter(group.matches);
      const buckets = { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0, cancelled: 0 };
      for (const [state, count] of Object.entries(counts)) buckets[bucketOf(state as JobState)] += count;
      const finished = counts.completed + counts.failed + counts.timed_out + counts.terminated;
      return {
        name: group.name,
        counts,
        buckets,
        successRate: finished ? counts.completed / finished : null,
        perMinute: closedLately.filter((row) => row.status === 'COMPLETED').length / 5,
        failedPerMinute: closedLately.filter((row) => UNSUCCESSFUL.has(row.status)).length / 5,
      };
    }),
  );
}

/** The catalogue's queues and any other queue jobs were enqueued on lately (enqueue may name one). */
export async function knownQueues(services: Services): Promise<string[]> {
  return services.cache.remember('queues', 5_000, async () => {
    const since = new Date(Date.now() - 7 * 86_400_000);
    const rows = await services.db.job.findMany({ where: { createdAt: { gte: since } }, distinct: ['queue'], select: { queue: true } }).catch(() => []);
    return [...new Set([...defaultQueues(), ...rows.map((row) => row.queue)])].sort();
  });
}

/** Per job type and per queue; cached for three seconds, since every open dashboard polls it. */
export async function jobStats(services: Services) {
  return services.cache.remember('stats', 3_000, async () => {
    const queues = await knownQueues(services);
    const groups: Group[] = [
      ...jobTypes.map((jobType) => ({ name: jobType.type, filter: { type: jobType.type }, matches: (row: ExecutionRow) => row.type === jobType.type })),
      ...queues.map((queue) => ({ name: queue, filter: { queue }, matches: (row: ExecutionRow) => row.queue === queue })),
    ];
    const stats = await collectStats(services, groups);
    return { types: stats.slice(0, jobTypes.length), queues: stats.slice(jobTypes.length), updatedAt: new Date().toISOString() };
  });
}

/** Temporal's built-in TemporalScheduledById, which a schedule sets on every workflow it starts. */
const ScheduledByIdKey = defineSearchAttributeKey('TemporalScheduledById', SearchAttributeType.KEYWORD);
function scheduledBy(description: { typedSearchAttributes: { get(key: typeof ScheduledByIdKey): string | undefined }; raw: { workflowExecutionInfo?: { searchAttributes?: { indexedFields?: Record<string, { data?: Uint8Array | null } | null> | null } | null } | null } } | null | undefined): string | null {
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

