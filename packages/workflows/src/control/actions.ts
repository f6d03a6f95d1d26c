import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import type { Actor } from '../runtime/roles';
import { CLOSED_EXECUTION_STATES, PRIORITIES, priorityFromKey, type JobState } from '../runtime/states';
import type { ControlDeps } from './deps';
import { DomainError } from './errors';
import { parseFlowNode } from '../sandbox/flow/start-node';
import { jobLogLine as log } from './job-log';
import { mergeInput } from './merge-input';
import {
  backoffFields,
  checkMayStart,
  enqueueOptions,
  maxAttempts,
  startJobWorkflow,
  withIntervalsInOrder,
} from './start';

export const RETRYABLE_STATES: readonly JobState[] = ['failed', 'cancelled', 'terminated', 'timed_out'];

/** Whether Temporal still runs the job, and how it ended if not; null when Temporal no longer knows it. */
export async function closedState(deps: ControlDeps, id: string): Promise<JobState | 'running' | null> {
  try {
    const description = await deps.temporal.workflow.getHandle(id).describe();
    return CLOSED_EXECUTION_STATES[description.status.name] ?? 'running';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return null;
    throw new DomainError('SERVICE_UNAVAILABLE', `Temporal did not answer: ${(error as Error).message}`);
  }
}

/** Refuses a command on a job Temporal no longer runs: 404 when it does not know it, 412 when it ended. */
async function requireRunning(deps: ControlDeps, id: string, what: 'cancelled' | 'terminated') {
  const state = await closedState(deps, id);
  if (state === null) throw new DomainError('NOT_FOUND', `no running job ${id}`);
  if (state !== 'running')
    throw new DomainError('PRECONDITION_FAILED', `job ${id} is ${state}; only waiting or running jobs can be ${what}`);
}

export const cliCommands = {
  // The CLI takes a reason only for batch cancels: a single cancel's reason is the API's to record.
  cancel: (id: string) => `temporal workflow cancel --workflow-id ${id}`,
  terminate: (id: string, reason: string) =>
    `temporal workflow terminate --workflow-id ${id} --reason ${JSON.stringify(reason)}`,
};

/**
 * Asks the workflow to stop: its running activity learns it at its next heartbeat, cleans up, and the
 * job ends cancelled. A reason, when given, is in the job's log and in Temporal's history (the cancel
 * request's reason, which the Temporal UI and `temporal workflow show` display).
 */
export async function cancelJob(deps: ControlDeps, id: string, actor: Actor, reason?: string) {
  await requireRunning(deps, id, 'cancelled');
  const why = reason ? `${reason} (by ${actor.name})` : `by ${actor.name}`;
  await deps.temporal.workflowService
    .requestCancelWorkflowExecution({
      namespace: deps.namespace,
      workflowExecution: { workflowId: id },
      identity: `jobdeck (${actor.name})`,
      requestId: randomUUID(),
      reason: why,
    })
    .catch(endedMeanwhile(id, 'cancelled'));
  await log(
    deps,
    id,
    'warn',
    reason ? `cancellation requested by ${actor.name}: ${reason}` : `cancellation requested by ${actor.name}`,
  );
  return { id, state: 'cancelling' as const, cli: cliCommands.cancel(id) };
}

/** A job that ended between its check and the command (a short job often does): a 412, not a 500. */
function endedMeanwhile(id: string, what: string) {
  return (error: unknown): never => {
    // The handle's calls say WorkflowNotFoundError; the service's own call answers gRPC NOT_FOUND (5).
    if (error instanceof WorkflowNotFoundError || (error as { code?: unknown })?.code === 5) {
      throw new DomainError('PRECONDITION_FAILED', `job ${id} ended before it could be ${what}`);
    }
    throw error;
  };
}

/** Ends the workflow at once, without cleanup: for a job that ignores cancellation. */
export async function terminateJob(deps: ControlDeps, id: string, reason: string, actor: Actor) {
  await requireRunning(deps, id, 'terminated');
  const full = `${reason} (by ${actor.name})`;
  await deps.temporal.workflow.getHandle(id).terminate(full).catch(endedMeanwhile(id, 'terminated'));
  const now = new Date();
  await deps.db.job.updateMany({
    where: { id },
    data: { state: 'terminated', error: `terminated: ${full}`, finishedAt: now },
  });
  await log(deps, id, 'warn', `terminated by ${actor.name}: ${reason}`);
  await deps.events.publish({ kind: 'job.updated', jobId: id, state: 'terminated', at: now.toISOString() });
  return { id, state: 'terminated' as const, cli: cliCommands.terminate(id, full) };
}

export const retryChanges = z
  .object({
    priority: z.enum(PRIORITIES).optional(),
    maxAttempts: maxAttempts.optional(),
    backoff: withIntervalsInOrder(z.object(backoffFields).strict()).optional(),
    /** Merged into the original input (objects deeply), then validated again by the job type's schema. */
    input: z.record(z.string(), z.unknown()).optional(),
    /**
     * Mark the original as superseded by the retry: it leaves the counts and the default lists (its
     * record's supersededAt; its closed workflow cannot change) and stays in history, by id and with
     * jobs.list's includeSuperseded.
     */
    supersede: z.boolean().default(false),
  })
  .strict();
export type RetryChanges = z.input<typeof retryChanges>;

/**
 * A new run with the same input (changed where asked), linked both ways to the original: the new
 * job's record says `retryOf`, its workflow memo too (visible in the Temporal UI), and the original's
 * record says `retriedAs`.
 */
export async function retryJob(deps: ControlDeps, id: string, changesInput: RetryChanges | undefined, actor: Actor) {
  const changes = retryChanges.parse(changesInput ?? {});
  const record = await deps.db.job.findUnique({ where: { id } });
  if (!record) throw new DomainError('NOT_FOUND', `no job ${id}`);
  const state = (await closedState(deps, id)) ?? record.state;
  if (state === 'running' || !RETRYABLE_STATES.includes(state as JobState)) {
    throw new DomainError(
      'PRECONDITION_FAILED',
      `job ${id} is ${state === 'running' ? record.state : state}; only failed, cancelled, terminated or timed-out jobs can be retried`,
    );
  }
  await refuseInsideRunningFlow(deps, record);
  const jobType = deps.catalog.find(record.type);
  if (!jobType) throw new DomainError('PRECONDITION_FAILED', `job type ${record.type} is no longer registered`);
  checkMayStart(jobType, actor);
  const input = changes.input ? mergeInput(record.input, changes.input) : record.input;
  const parsed = jobType.input.safeParse(input);
  if (!parsed.success) {
    throw new DomainError(
      'BAD_REQUEST',
      parsed.error.issues.map((issue) => `input.${issue.path.join('.')}: ${issue.message}`).join('; '),
    );
  }

  // The backoff is the type's with the changes over it: an initial interval above the type's maximum
  // would be refused by Temporal for every activity, and the new job would wait forever.
  const backoff = { ...jobType.retry, ...changes.backoff };
  if (backoff.maximumIntervalMs < backoff.initialIntervalMs)
    throw new DomainError(
      'BAD_REQUEST',
      `changes.backoff.maximumIntervalMs (${backoff.maximumIntervalMs} ms${changes.backoff?.maximumIntervalMs === undefined ? `, ${jobType.type}'s default` : ''}) must not be below initialIntervalMs (${backoff.initialIntervalMs} ms)`,
    );

  // Claim the original first, so that two operators clicking "retry" at once make one retry, not two.
  const claim = `pending:${Date.now()}`;
  const { count } = await deps.db.job.updateMany({ where: { id, retriedAsId: null }, data: { retriedAsId: claim } });
  if (!count)
    throw new DomainError('CONFLICT', `job ${id} was already retried as ${record.retriedAsId ?? 'another job'}`);
  try {
    const options = enqueueOptions.parse({
      priority: changes.priority ?? priorityFromKey(record.priority),
      maxAttempts: changes.maxAttempts ?? record.maxAttempts,
      timeoutMs: record.timeoutMs ?? undefined,
      queue: record.queue,
    });
    const retry = changes.backoff
      ? Object.fromEntries(Object.entries(changes.backoff).filter(([, value]) => value !== undefined))
      : undefined;
    const started = await startJobWorkflow(deps, {
      type: record.type,
      input: parsed.data,
      options,
      requestedBy: actor,
      retry,
      retryOf: id,
      supersedes: changes.supersede,
    });
    await deps.db.job.update({
      where: { id },
      data: { retriedAsId: started.id, supersededAt: changes.supersede ? new Date() : undefined },
    });
    await log(deps, id, 'info', `retried as ${started.id} by ${actor.name}${changes.supersede ? ' (superseded)' : ''}`);
    return { id: started.id, retryOf: id, superseded: changes.supersede };
  } catch (error) {
    await deps.db.job.updateMany({ where: { id, retriedAsId: claim }, data: { retriedAsId: null } });
    throw error;
  }
}

/**
 * A retry of a node of a running flow would start a job outside the flow: the flow would never learn of
 * it, and its dependents would not run. Refused, by jobs.retry and bulk retries alike, with the way that works.
 */
async function refuseInsideRunningFlow(
  deps: ControlDeps,
  record: { id: string; parentId: string | null; flowNode: string | null },
) {
  if (!record.parentId || !record.flowNode) return;
  if ((await closedState(deps, record.parentId)) !== 'running') return;
  const { key } = parseFlowNode(record.flowNode);
  throw new DomainError(
    'PRECONDITION_FAILED',
    `job ${record.id} is node "${key}" of flow ${record.parentId}, which is still running: retry the node with ` +
      `flows.retryNode ({ "id": "${record.parentId}", "node": "${key}" }) so that the flow goes on from it; ` +
      'jobs.retry would start a job the flow does not know',
  );
}
