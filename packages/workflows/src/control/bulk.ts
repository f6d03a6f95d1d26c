import { z } from 'zod';
import type { Actor } from '../runtime/roles';
import { JOB_STATES } from '../runtime/states';
import { cancelJob, retryChanges, retryJob } from './actions';
import { deleteJob } from './delete';
import { dateTime } from './dates';
import type { ControlDeps } from './deps';
import { DomainError } from './errors';
import { queueName } from './start';
import { jobIdSchema } from './job-id';
import { jobSearch, searchJobIds } from './search';
import { BUCKET_STATES, jobsQuery, type Bucket } from './visibility';
import { rerunFromLastStep } from './rerun/rerun-last-step';
import { rerunReason } from './rerun/rerun-from-step';
import { retryActivityNow } from './rerun/retry-activity-now';
import { startLike } from './rerun/start-like';

/** The job type that runs large bulk actions (jobs/bulk-action), named here to keep it out of bulk reruns and copies. */
const BULK_ACTION_TYPE = 'bulk.action';

export const BULK_ACTIONS = [
  'retry',
  'cancel',
  'delete',
  'rerun_from_step',
  'retry_activity_now',
  'start_like',
] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

export const bulkFilter = z
  .object({
    state: z.enum(JOB_STATES).optional(),
    bucket: z.enum(Object.keys(BUCKET_STATES) as [Bucket, ...Bucket[]]).optional(),
    type: z
      .string()
      .regex(/^[a-z][a-z0-9.-]*$/, 'type is a job type')
      .max(100)
      .optional(),
    queue: queueName.optional(),
    from: dateTime('from').optional(),
    to: dateTime('to').optional(),
    /**
     * A failure group (insight.failures' fingerprint): its unsuccessful jobs that ended within
     * from–to, read from the job records, since Temporal knows no such grouping.
     */
    errorGroup: z
      .string()
      .regex(/^[0-9a-f]{16}$/, 'errorGroup is a failure group fingerprint: 16 hex digits')
      .optional(),
  })
  .strict()
  .refine((filter) => !filter.errorGroup || !filter.bucket || filter.bucket === 'failed', {
    message: 'a failure group holds failed jobs only',
    path: ['bucket'],
  });
export type BulkFilter = z.output<typeof bulkFilter>;

export const bulkRequest = z
  .object({
    /** `delete` (finished jobs only) needs the admin role, checked by the API and again by the bulk.action job. */
    action: z.enum(BULK_ACTIONS),
    ids: z.array(jobIdSchema).min(1).max(1000).optional(),
    /** Temporal's view (what runs now), as the jobs list shows it. */
    filter: bulkFilter.optional(),
    /** The job records, as jobs.search finds them ("failed webhook.deliver from last night whose error says 503"). */
    search: jobSearch.optional(),
    /**
     * For retries: the same changes for every job. start_like takes its input and priority/maxAttempts;
     * retry_activity_now its maxAttempts and backoff as the pending activity's new retry options.
     */
    changes: retryChanges.optional(),
    /** For rerun_from_step: each job reruns from its last step of this activity (jobs.steps names them). */
    step: z
      .object({
        activity: z.string().regex(/^[A-Za-z_$][\w$]{0,99}$/, 'activity is an activity name such as deliverReport'),
      })
      .strict()
      .optional(),
    /** For rerun_from_step: shown in Temporal's reset event and on each job. */
    reason: rerunReason.optional(),
  })
  .strict()
  .refine((request) => (request.action === 'rerun_from_step') === Boolean(request.step), {
    message: 'rerun_from_step needs step: { activity }, and only it takes a step',
    path: ['step'],
  })
  .refine((request) => (request.ids ? 1 : 0) + (request.filter ? 1 : 0) + (request.search ? 1 : 0) === 1, {
    message: 'give exactly one of ids, filter or search',
    path: ['ids'],
  });
export type BulkRequest = z.output<typeof bulkRequest>;

export interface BulkItemResult {
  id: string;
  outcome: 'done' | 'skipped' | 'failed';
  reason?: string;
  /** The new job's id: a retry's, or start_like's copy. */
  newId?: string;
}

export const BULK_TARGET_LIMIT = 10_000;

/** The ids of every job a visibility query matches, page by page, up to BULK_TARGET_LIMIT. */
export async function listJobIds(deps: ControlDeps, query: string): Promise<string[]> {
  const ids: string[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await deps.temporal.workflowService.listWorkflowExecutions({
      namespace: deps.namespace,
      query,
      pageSize: 1000,
      nextPageToken,
    });
    for (const execution of page.executions ?? [])
      if (execution.execution?.workflowId) ids.push(execution.execution.workflowId);
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken && ids.length < BULK_TARGET_LIMIT);
  return [...new Set(ids)].slice(0, BULK_TARGET_LIMIT);
}

/**
 * The jobs a bulk action would touch: the given ids, every job a search matches in the records (in
 * its order), or every job the filter matches in Temporal except those a retry superseded, which
 * the lists and counts leave out too (jobs.list): Temporal cannot tell them, their closed workflows
 * keep their status, so their records are asked.
 */
export async function resolveBulkTargets(
  deps: ControlDeps,
  request: Pick<BulkRequest, 'ids' | 'filter' | 'search'>,
): Promise<string[]> {
  if (request.ids) return [...new Set(request.ids)];
  if (request.search) return searchJobIds(deps.sql, request.search, BULK_TARGET_LIMIT);
  if (request.filter?.errorGroup) return failureGroupIds(deps, request.filter);
  const ids = await listJobIds(deps, jobsQuery(request.filter ?? {}));
  if (!ids.length) return ids;
  const superseded = await deps.db.job.findMany({
    where: { id: { in: ids }, supersededAt: { not: null } },
    select: { id: true },
  });
  const left = new Set(superseded.map((job) => job.id));
  return left.size ? ids.filter((id) => !left.has(id)) : ids;
}

const UNSUCCESSFUL_STATES = ['failed', 'timed_out', 'terminated'] as const;

/** The unsuccessful, not yet superseded jobs of a failure group, newest first, up to BULK_TARGET_LIMIT. */
async function failureGroupIds(deps: ControlDeps, filter: BulkFilter): Promise<string[]> {
  const states = filter.state
    ? UNSUCCESSFUL_STATES.filter((state) => state === filter.state)
    : [...UNSUCCESSFUL_STATES];
  const rows = await deps.db.job.findMany({
    where: {
      errorFingerprint: filter.errorGroup,
      state: { in: states },
      supersededAt: null,
      type: filter.type,
      queue: filter.queue,
      finishedAt: {
        ...(filter.from ? { gte: new Date(filter.from) } : {}),
        ...(filter.to ? { lt: new Date(filter.to) } : {}),
      },
    },
    select: { id: true },
    orderBy: { finishedAt: 'desc' },
    take: BULK_TARGET_LIMIT,
  });
  return rows.map((row) => row.id);
}

/** A bulk retry_activity_now's new retry options, from the bulk changes' maxAttempts and backoff. */
function activityRetryOf(changes: BulkRequest['changes']) {
  if (!changes || (changes.maxAttempts === undefined && !changes.backoff)) return undefined;
  return { maxAttempts: changes.maxAttempts, ...changes.backoff };
}

/** One job of a bulk action; a refusal (already finished, already retried) is a skip, not a failure. */
export async function applyBulkItem(
  deps: ControlDeps,
  request: Pick<BulkRequest, 'action' | 'changes' | 'step' | 'reason'>,
  id: string,
  actor: Actor,
): Promise<BulkItemResult> {
  try {
    if (request.action === 'cancel') {
      await cancelJob(deps, id, actor);
      return { id, outcome: 'done' };
    }
    if (request.action === 'delete') {
      await deleteJob(deps, id, actor);
      return { id, outcome: 'done' };
    }
    if (request.action === 'rerun_from_step' || request.action === 'start_like') {
      // A bulk action rerun or copied in bulk would act on bulk actions again, each time more of them.
      const record = await deps.db.job.findUnique({ where: { id }, select: { type: true } });
      if (record?.type === BULK_ACTION_TYPE)
        return {
          id,
          outcome: 'skipped',
          reason: `a bulk action is not ${request.action === 'start_like' ? 'copied' : 'rerun'} in bulk`,
        };
    }
    if (request.action === 'rerun_from_step') {
      const activity = request.step?.activity ?? '';
      await rerunFromLastStep(deps, id, activity, request.reason ?? `bulk rerun from ${activity}`, actor);
      return { id, outcome: 'done' };
    }
    if (request.action === 'retry_activity_now') {
      await retryActivityNow(deps, id, { retry: activityRetryOf(request.changes) }, actor);
      return { id, outcome: 'done' };
    }
    if (request.action === 'start_like') {
      const changes = request.changes;
      const started = await startLike(
        deps,
        id,
        { input: changes?.input, options: { priority: changes?.priority, maxAttempts: changes?.maxAttempts } },
        actor,
      );
      return { id, outcome: 'done', newId: started.id };
    }
    const retried = await retryJob(deps, id, request.changes, actor);
    return { id, outcome: 'done', newId: retried.id };
  } catch (error) {
    if (error instanceof DomainError && error.code !== 'SERVICE_UNAVAILABLE')
      return { id, outcome: 'skipped', reason: error.message };
    return { id, outcome: 'failed', reason: (error as Error).message };
  }
}
