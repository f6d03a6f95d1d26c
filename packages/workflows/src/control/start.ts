import { createHash, randomBytes } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy, type SearchAttributePair } from '@temporalio/common';
import { z } from 'zod';
import type { JobType } from '../runtime/define-job';
import type { JobEnvelope, RetrySettings } from '../runtime/envelope';
import { JobPriorityKey, JobStateKey, JobTypeKey, RequestedByKey } from '../runtime/search-attributes';
import { hasRole, type Actor } from '../runtime/roles';
import { searchableInput } from '../runtime/search-text';
import {
  LEAN_SHELL,
  PRIORITIES,
  PRIORITY_KEYS,
  QUEUE_NAME_PATTERN,
  QUEUE_NAME_RULE,
  type JobState,
} from '../runtime/states';
import { dateTime } from './dates';
import type { ControlDeps } from './deps';
import { DomainError } from './errors';
import { startFailed } from './abandoned-start';

const DAY_MS = 86_400_000;

/**
 * The longest a job may run, retries included: 24 days, the most the record's 32-bit `timeoutMs`
 * holds (2^31 ms is 24.8 days). A longer one would start in Temporal and never get its record.
 */
export const MAX_JOB_TIMEOUT_MS = 24 * DAY_MS;
export const jobTimeoutMs = z
  .number()
  .int()
  .min(1_000)
  .max(MAX_JOB_TIMEOUT_MS, 'timeoutMs is at most 24 days (2073600000 ms)');

export const queueName = z.string().regex(QUEUE_NAME_PATTERN, QUEUE_NAME_RULE);

/** How many attempts each of a job's activities gets, as callers may set it. */
export const maxAttempts = z.number().int().min(1).max(100);

/** A retry policy's backoff as callers may change it, each field on its own (see withIntervalsInOrder). */
export const backoffFields = {
  initialIntervalMs: z.number().int().min(100).max(3_600_000).optional(),
  backoffCoefficient: z.number().min(1).max(10).optional(),
  maximumIntervalMs: z.number().int().min(100).max(86_400_000).optional(),
};

/** Refuses a backoff whose maximum interval is below its initial one, when both are given. */
export function withIntervalsInOrder<
  Schema extends z.ZodType<{ initialIntervalMs?: number; maximumIntervalMs?: number }>,
>(schema: Schema) {
  return schema.refine(
    (b) => !(b.initialIntervalMs && b.maximumIntervalMs && b.maximumIntervalMs < b.initialIntervalMs),
    { message: 'maximumIntervalMs must not be below initialIntervalMs', path: ['maximumIntervalMs'] },
  );
}

export const enqueueOptions = z
  .object({
    priority: z.enum(PRIORITIES).default('normal'),
    /** Start no sooner than this many milliseconds from now. */
    delayMs: z
      .number()
      .int()
      .min(0)
      .max(365 * DAY_MS)
      .optional(),
    /** Start no sooner than this instant (ISO 8601), at most as far ahead as delayMs allows. */
    runAt: dateTime('runAt')
      .refine((runAt) => Date.parse(runAt) <= Date.now() + 365 * DAY_MS, 'runAt must be at most 365 days ahead')
      .optional(),
    /** The same key always answers with the same job: a retried request never enqueues twice. */
    idempotencyKey: z.string().min(1).max(200).optional(),
    maxAttempts: maxAttempts.optional(),
    /** The whole job, retries included, must end within this; past it the job ends as timed out. */
    timeoutMs: jobTimeoutMs.optional(),
    /** Another queue than the job type's default, e.g. a dedicated worker pool. */
    queue: queueName.optional(),
    /** At most `limit` starts per `intervalMs` for all jobs sharing `key` (a customer, a webhook host), across all workers. */
    rateLimit: z
      .object({
        key: z.string().min(1).max(200),
        limit: z.number().int().min(1).max(100_000),
        intervalMs: z.number().int().min(100).max(DAY_MS),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((options) => !(options.delayMs !== undefined && options.runAt !== undefined), {
    message: 'give delayMs or runAt, not both',
    path: ['runAt'],
  });

export type EnqueueOptions = z.input<typeof enqueueOptions>;

/**
 * The options of a job started later on someone's behalf (a template, a schedule's runs, a flow's node,
 * a child job): no delay and no idempotency key, which belong to the moment of a start.
 */
export const jobOptions = z
  .object({
    priority: z.enum(PRIORITIES).optional(),
    maxAttempts: maxAttempts.optional(),
    timeoutMs: jobTimeoutMs.optional(),
    queue: queueName.optional(),
  })
  .strict();
export type JobOptions = z.output<typeof jobOptions>;

/** Readable in the Temporal UI and sortable by time: `report.generate-20261127-210533-k3f9q2`. */
export function newJobId(type: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${type}-${stamp}-${randomBytes(4).toString('hex').slice(0, 6)}`;
}

/** A keyed job's id is derived from the key, so that Temporal itself refuses a second start. */
export function keyedJobId(type: string, key: string): string {
  const safe = /^[A-Za-z0-9._:-]{1,100}$/.test(key) ? key : createHash('sha256').update(key).digest('hex').slice(0, 32);
  return `${type}-key-${safe}`;
}

export interface EnqueueResult {
  id: string;
  runId: string | null;
  /** False when an idempotency key matched an existing job: nothing new was started. */
  created: boolean;
  state: JobState;
}

export interface JobStart {
  envelope: JobEnvelope;
  /** Everything `client.workflow.start` needs but the workflow id and its reuse policy. */
  workflowOptions: {
    taskQueue: string;
    args: [JobEnvelope];
    startDelay?: number;
    workflowExecutionTimeout?: number;
    priority: { priorityKey: number };
    memo?: Record<string, unknown>;
    typedSearchAttributes: SearchAttributePair[];
  };
  state: 'waiting' | 'delayed';
  runAt: Date | null;
}

/**
 * How a job of this type starts in Temporal: the envelope its workflow receives and the start
 * options (queue, search attributes, priority, delay, timeout). Enqueue, retries and schedules share it.
 */
export function buildJobStart(params: {
  jobType: JobType;
  id: string;
  input: unknown;
  options: z.output<typeof enqueueOptions>;
  requestedBy: Actor;
  now: Date;
  retry?: Partial<RetrySettings>;
  retryOf?: string;
  /** The retry replaces the original (`supersede`): said in the memo, the one place Temporal can show it. */
  supersedes?: boolean;
  templateId?: string;
  /** The job starting this one as its child (a flow, or a job calling runChildJob). */
  parentId?: string;
  /** The flow node it runs: `key`, or `key[index]` for a fan-out item. */
  flowNode?: string;
}): JobStart {
  const { jobType, id, input, options, requestedBy, now } = params;
  const runAt = options.runAt
    ? new Date(options.runAt)
    : options.delayMs
      ? new Date(now.getTime() + options.delayMs)
      : null;
  const delayMs = runAt ? Math.max(0, runAt.getTime() - now.getTime()) : 0;
  const state = delayMs > 0 ? 'delayed' : 'waiting';
  const queue = options.queue ?? jobType.queue;
  const envelope: JobEnvelope = {
    jobId: id,
    type: jobType.type,
    queue,
    input,
    priority: options.priority,
    retry: { ...jobType.retry, ...params.retry, ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}) },
    activity: {
      startToCloseMs: jobType.timeouts.activityStartToCloseMs,
      heartbeatMs: jobType.timeouts.heartbeatMs,
      nonRetryableErrors: jobType.nonRetryableErrors ?? [],
    },
    requestedBy: requestedBy.name,
    requestedByRole: requestedBy.role,
    idempotencyKey: options.idempotencyKey,
    timeoutMs: options.timeoutMs,
    enqueuedAt: now.toISOString(),
    runAt: runAt?.toISOString(),
    rateLimit: options.rateLimit,
    retryOf: params.retryOf,
    templateId: params.templateId,
    parentId: params.parentId,
    flowNode: params.flowNode,
    shell: LEAN_SHELL,
  };
  return {
    envelope,
    state,
    runAt,
    workflowOptions: {
      taskQueue: queue,
      args: [envelope],
      startDelay: delayMs > 0 ? delayMs : undefined,
      workflowExecutionTimeout: options.timeoutMs,
      priority: { priorityKey: PRIORITY_KEYS[options.priority] },
      // Shown in the Temporal UI's memo panel: the job this one retries, and whether it supersedes it
      // (the original's own workflow has closed: nothing about it can change in Temporal any more).
      memo: params.retryOf
        ? { retryOf: params.retryOf, ...(params.supersedes ? { supersedes: params.retryOf } : {}) }
        : undefined,
      typedSearchAttributes: [
        { key: JobTypeKey, value: jobType.type },
        { key: JobStateKey, value: state },
        { key: JobPriorityKey, value: PRIORITY_KEYS[options.priority] },
        { key: RequestedByKey, value: requestedBy.name },
      ],
    },
  };
}

export interface StartRequest {
  type: string;
  /** Already validated against the job type's schema. */
  input: unknown;
  options?: z.output<typeof enqueueOptions>;
  /** Who asked (a user's email or `token:<name>`) and with which role. */
  requestedBy: Actor;
  /** Retry settings that override the job type's (a retry with changes). */
  retry?: Partial<RetrySettings>;
  /** The job this one retries. */
  retryOf?: string;
  /** Whether this retry supersedes the job it retries. */
  supersedes?: boolean;
  /** The template it is run from (templates.run). */
  templateId?: string;
}

/** Refuses a start the requester's role does not allow: a job type names the least role that may start it. */
export function checkMayStart(jobType: JobType, actor: Actor): void {
  const needed = jobType.enqueueRole ?? 'operator';
  if (!hasRole(actor.role, needed))
    throw new DomainError(
      'FORBIDDEN',
      `starting ${jobType.type} jobs requires the ${needed} role; you are ${actor.role}`,
    );
}

/** Starts a job in Temporal, then writes its record: what enqueue, retries and bulk retries share. */
export async function startJobWorkflow(deps: ControlDeps, request: StartRequest): Promise<EnqueueResult> {
  const jobType = deps.catalog.find(request.type);
  if (!jobType) throw new DomainError('BAD_REQUEST', `unknown job type ${request.type}`);
  checkMayStart(jobType, request.requestedBy);
  const options = request.options ?? enqueueOptions.parse({});
  const key = options.idempotencyKey;

  if (key) {
    const existing = await deps.db.job.findUnique({ where: { idempotencyKey: key } });
    if (existing) return existingJob(existing.id, existing.type, request.type, existing.runId, existing.state);
  }

  const now = new Date();
  const id = key ? keyedJobId(jobType.type, key) : newJobId(jobType.type, now);
  const { envelope, workflowOptions, state, runAt } = buildJobStart({
    jobType,
    id,
    input: request.input,
    options,
    requestedBy: request.requestedBy,
    now,
    retry: request.retry,
    retryOf: request.retryOf,
    supersedes: request.supersedes,
    templateId: request.templateId,
  });
  const queue = envelope.queue;

  let runId: string;
  try {
    const handle = await deps.temporal.workflow.start(jobType.workflowType, {
      ...workflowOptions,
      workflowId: id,
      // A keyed job stays unique for as long as Temporal remembers it; Postgres remembers after that.
      workflowIdReusePolicy: key ? WorkflowIdReusePolicy.REJECT_DUPLICATE : WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    });
    runId = handle.firstExecutionRunId;
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError && key) {
      // A concurrent request with the same key won the race.
      return existingJob(id, jobType.type, request.type, null, state);
    }
    throw startFailed(deps, error, id, key);
  }

  // Temporal has the job; should this write fail, the workflow's first activity writes the record.
  // The live event does not wait for the record: a reader it wakes finds the job in Temporal either way.
  const record = deps.db.job
    .create({
      select: { id: true },
      data: {
        id,
        runId,
        type: jobType.type,
        queue,
        priority: PRIORITY_KEYS[options.priority],
        state,
        input: request.input as object,
        requestedBy: request.requestedBy.name,
        idempotencyKey: key,
        maxAttempts: envelope.retry.maxAttempts,
        timeoutMs: options.timeoutMs,
        createdAt: now,
        runAt,
        retryOfId: request.retryOf,
        rateLimitKey: options.rateLimit?.key,
        templateId: request.templateId,
        inputText: searchableInput(request.input),
      },
    })
    .catch((error: Error & { code?: string }) => {
      // P2002: the worker's first activity was quicker and wrote the record already.
      if (error.code !== 'P2002')
        console.warn(
          `job ${id}: record not written at enqueue (the worker will write it): ${error.message.trim().split('\n').at(-1)}`,
        );
    });
  await Promise.all([
    record,
    // The job's `added` moment (issue 12): best effort, the bus never fails an enqueue.
    deps.events
      .publish({
        kind: 'job.updated',
        jobId: id,
        type: jobType.type,
        queue,
        state,
        lifecycle: 'added',
        at: now.toISOString(),
      })
      .catch(() => undefined),
  ]);
  return { id, runId, created: true, state };
}

async function existingJob(
  id: string,
  existingType: string,
  requestedType: string,
  runId: string | null,
  state: JobState,
): Promise<EnqueueResult> {
  if (existingType !== requestedType) {
    throw new DomainError('CONFLICT', `idempotency key already used by job ${id} of type ${existingType}`);
  }
  return { id, runId, created: false, state };
}
