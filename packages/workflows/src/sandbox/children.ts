// Runs inside Temporal's deterministic workflow sandbox: import only @temporalio/workflow and types.
//
// Child jobs: a job's workflow code starts other jobs as Temporal child workflows. Each is an ordinary
// Jobdeck job (a record, lists, counts, its own page) whose record names its parent (parentId), and
// which the Temporal UI shows under the parent.
import {
  ChildWorkflowCancellationType,
  ParentClosePolicy,
  proxyActivities,
  startChild,
  workflowInfo,
  type ChildWorkflowHandle,
  type Workflow,
} from '@temporalio/workflow';
import type { z } from 'zod';
import type { flowNodeOptions } from '../flows/definition';
import type { ChildJobRequest } from '../flows/prepare-child';
import type { BookkeepingActivities } from '../runtime/bookkeeping';
import type { JobEnvelope } from '../runtime/envelope';

// On the parent's own task queue: a worker that runs the parent checks its children against its catalogue.
// Retried while Postgres or Temporal is away; an invalid child (InvalidChildJob) fails at once.
const { prepareChildJob } = proxyActivities<Pick<BookkeepingActivities, 'prepareChildJob'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/** What job code asks for: a child job, as jobs.enqueue takes one, under a key unique within its parent. */
export interface ChildJobSpec {
  /** The child's id is `${parent id}.${key}`: the same key twice in one parent is refused by Temporal. */
  key: string;
  type: string;
  input: unknown;
  /** As a flow node's: priority (the parent's by default), maxAttempts, timeoutMs, queue. */
  options?: z.input<typeof flowNodeOptions>;
}

/** How a flow (or a job) starts one child job: all prepareChildJob takes but the parent, which is this workflow. */
export type ChildJobStartRequest = Omit<ChildJobRequest, 'parent'>;

/**
 * Starts one child job: the bookkeeping activity prepareChildJob checks it and builds its start, then
 * Temporal's startChild starts it. A child of a terminated or timed-out parent is cancelled
 * (REQUEST_CANCEL); cancelling the parent cancels its running children and waits for them to end.
 */
export async function startJobAsChild(
  parent: JobEnvelope,
  request: ChildJobStartRequest,
): Promise<ChildWorkflowHandle<Workflow>> {
  const start = await prepareChildJob({
    ...request,
    parent: {
      jobId: workflowInfo().workflowId,
      queue: parent.queue,
      requestedBy: parent.requestedBy,
      requestedByRole: parent.requestedByRole,
      priority: parent.priority,
    },
  } satisfies ChildJobRequest);
  const { workflowType, ...options } = start;
  return startChild(workflowType, {
    ...options,
    parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
    cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
}

/** The parents that have said they are active (announceParent), by envelope: one workflow's own object. */
const announced = new WeakSet<object>();

/**
 * Starts a child job from a job's workflow code and answers its handle (`await handle.result()` for
 * its result). Its id is `${job id}.${key}`; its record's parentId is this job.
 */
export async function startChildJob(job: JobEnvelope, spec: ChildJobSpec): Promise<ChildWorkflowHandle<Workflow>> {
  const announceParent = !announced.has(job);
  announced.add(job);
  return startJobAsChild(job, {
    name: `child "${spec.key}"`,
    id: `${workflowInfo().workflowId}.${spec.key}`,
    type: spec.type,
    input: spec.input,
    options: spec.options,
    announceParent,
  });
}

/**
 * Runs a child job from a job's workflow code and answers its result; a failed child throws (a
 * ChildWorkflowFailure whose cause is the child's error). See "Child jobs" in the README.
 */
export async function runChildJob<R>(job: JobEnvelope, spec: ChildJobSpec): Promise<R> {
  const handle = await startChildJob(job, spec);
  return (await handle.result()) as R;
}
