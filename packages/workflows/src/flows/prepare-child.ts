import { ApplicationFailure } from '@temporalio/common';
import type { SearchAttributePair } from '@temporalio/common';
import type { ActivityDeps } from '../runtime/activity-deps';
import type { JobEnvelope } from '../runtime/envelope';
import type { Role } from '../runtime/roles';
import type { Priority } from '../runtime/states';
import { buildJobStart, checkMayStart, enqueueOptions } from '../control/start';
import { DomainError } from '../control/errors';
import { attemptSignal } from '../sandbox/signals';
import { flowNodeOptions } from './definition';

/** A child job's id: its parent's id and a key (`.`, `-`, `_` and digits included), readable in the Temporal UI. */
const CHILD_JOB_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,399}$/;

/** What the parent workflow asks for: one child job (a flow node's, or one runChildJob starts). */
export interface ChildJobRequest {
  /** The parent, as much of it as the child needs: its id and queue, who asked for it and with which role, its priority. */
  parent: { jobId: string; queue: string; requestedBy: string; requestedByRole?: Role; priority: Priority };
  /** How messages name it: `node "report"`, `node "deliver[3]"`, `child "deliver-3"`. */
  name: string;
  id: string;
  type: string;
  input: unknown;
  /** A flow node's options (flowNodeOptions: priority, maxAttempts, timeoutMs, queue). */
  options?: unknown;
  flowNode?: string;
  retryOf?: string;
  /**
   * The parent's first child: the parent has no activity of its own the worker would see start, so
   * this one says it is active (its record, and a `jobdeck.attempt` signal the shell turns into JobState).
   */
  announceParent?: boolean;
}

/** Everything Temporal's startChild needs, as buildJobStart makes it for any job. */
export interface ChildJobStart {
  workflowType: string;
  workflowId: string;
  taskQueue: string;
  args: [JobEnvelope];
  workflowExecutionTimeout?: number;
  priority: { priorityKey: number };
  memo?: Record<string, unknown>;
  typedSearchAttributes: SearchAttributePair[];
}

/** The refusal of a child the parent cannot start: not retryable (the same request fails the same way). */
function invalid(request: ChildJobRequest, message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`${request.name}: ${message}`, 'InvalidChildJob');
}

/**
 * The bookkeeping activity behind every child job: checks the child as jobs.enqueue checks a job (its
 * type exists, the parent's requester may start it, its input and options are valid), then builds its
 * start with buildJobStart (parentId, flowNode, retryOf in its envelope). It runs on the parent's own
 * task queue: a child is checked against the catalogue of the worker that starts it.
 */
export function prepareChildJobActivity(deps: ActivityDeps) {
  return async function prepareChildJob(request: ChildJobRequest): Promise<ChildJobStart> {
    const { parent } = request;
    if (!CHILD_JOB_ID.test(request.id))
      throw invalid(request, `"${request.id}" is not a valid job id (letters, digits, . _ : -, at most 400)`);
    const jobType = deps.catalog.find(request.type);
    if (!jobType) throw invalid(request, `unknown job type "${request.type}"`);
    const actor = { name: parent.requestedBy, role: parent.requestedByRole ?? 'operator' };
    try {
      checkMayStart(jobType, actor);
    } catch (error) {
      if (error instanceof DomainError) throw invalid(request, error.message);
      throw error;
    }
    const input = jobType.input.safeParse(request.input);
    if (!input.success)
      throw invalid(
        request,
        input.error.issues
          .slice(0, 5)
          .map((issue) => `${['input', ...issue.path].join('.')}: ${issue.message}`)
          .join('; '),
      );
    const given = flowNodeOptions.safeParse(request.options ?? {});
    if (!given.success)
      throw invalid(
        request,
        given.error.issues.map((issue) => `${['options', ...issue.path].join('.')}: ${issue.message}`).join('; '),
      );
    // A child runs at its parent's priority unless told otherwise.
    const options = enqueueOptions.parse({ ...given.data, priority: given.data.priority ?? parent.priority });
    const { workflowOptions } = buildJobStart({
      jobType,
      id: request.id,
      input: input.data,
      options,
      requestedBy: actor,
      now: new Date(),
      retryOf: request.retryOf,
      parentId: parent.jobId,
      flowNode: request.flowNode,
    });
    if (request.announceParent) await announceActive(deps, parent.jobId, parent.queue);
    return {
      workflowType: jobType.workflowType,
      workflowId: request.id,
      taskQueue: workflowOptions.taskQueue,
      args: workflowOptions.args,
      workflowExecutionTimeout: workflowOptions.workflowExecutionTimeout,
      priority: workflowOptions.priority,
      memo: workflowOptions.memo,
      typedSearchAttributes: workflowOptions.typedSearchAttributes,
    };
  };
}

/**
 * A parent that only starts children runs no activity the worker's attempt tracking sees: its record
 * would say waiting until it ends. Its first child says it is active instead, as a job's first attempt
 * would (best effort: the parent's end is recorded either way).
 */
async function announceActive(deps: ActivityDeps, parentId: string, queue: string): Promise<void> {
  await deps.records.attemptStarted(parentId, 1, { queue }).catch(() => undefined);
  await deps.temporal.workflow
    .getHandle(parentId)
    .signal(attemptSignal, { state: 'active', attempt: 1, activity: 'prepareChildJob' })
    .catch(() => undefined);
}
