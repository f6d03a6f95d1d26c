// Deleting a finished job: its Temporal execution (history and visibility) and its record (logs and
// alerts cascade; the JobStateCount trigger takes it out of the counts). The insight rollups keep it:
// they are aggregates that outlive records anyway. The API's audit trail keeps who deleted what.
import type { Actor } from '../runtime/roles';
import { hasRole } from '../runtime/roles';
import { FINAL_STATES, type JobState } from '../runtime/states';
import { closedState } from './actions';
import type { ControlDeps } from './deps';
import { DomainError } from './errors';

export interface DeleteResult {
  id: string;
  /** How the job had ended. */
  state: JobState;
  /**
   * `deleted`: Temporal took the request (it deletes asynchronously, see below).
   * `already gone`: Temporal had forgotten it (its retention); only the record went.
   */
  execution: 'deleted' | 'already gone';
  record: 'deleted' | 'already gone';
}

const isFinal = (state: string): state is (typeof FINAL_STATES)[number] =>
  (FINAL_STATES as readonly string[]).includes(state);

/**
 * Deletes a job that has finished. Temporal decides whether it still runs (a record may lag behind);
 * a job Temporal no longer knows is judged by its record. Temporal's execution goes first: a record
 * deleted while its execution stayed would come back as a job with no record.
 */
export async function deleteJob(deps: ControlDeps, id: string, actor: Actor): Promise<DeleteResult> {
  // The API's procedures are admin-only; this also holds for a bulk.action job enqueued by anyone.
  if (!hasRole(actor.role, 'admin'))
    throw new DomainError('FORBIDDEN', `deleting jobs requires the admin role; you are ${actor.role}`);
  const record = await deps.db.job.findUnique({
    where: { id },
    select: { state: true, type: true, queue: true, runId: true },
  });
  const temporalState = await closedState(deps, id);
  if (!record && temporalState === null) throw new DomainError('NOT_FOUND', `no job ${id}`);
  const state: JobState | 'running' =
    temporalState === 'running'
      ? record && !isFinal(record.state)
        ? record.state
        : 'running'
      : (temporalState ?? record!.state);
  if (!isFinal(state))
    throw new DomainError(
      'PRECONDITION_FAILED',
      `job ${id} is ${state}; only finished jobs (${FINAL_STATES.join(', ')}) can be deleted: cancel it first`,
    );

  let execution: DeleteResult['execution'] = 'already gone';
  if (temporalState !== null) {
    try {
      await deps.temporal.workflowService.deleteWorkflowExecution({
        namespace: deps.namespace,
        workflowExecution: { workflowId: id },
      });
      execution = 'deleted';
    } catch (error) {
      // Gone meanwhile (retention, another delete): what was asked for is done.
      if ((error as { code?: unknown })?.code !== 5) throw error;
    }
  }
  // Temporal deletes asynchronously: a job that closed moments ago goes only once its close is fully
  // recorded (about 20 s on a dev server). Meanwhile maintenance.reconcile, finding an execution
  // without a record, would write the record again: the tombstone tells it not to (DeletedJob).
  const [, { count }] = await deps.db.$transaction([
    deps.db.deletedJob.upsert({
      where: { id },
      create: { id, runId: record?.runId ?? null, deletedBy: actor.name },
      update: { runId: record?.runId ?? null, deletedBy: actor.name, deletedAt: new Date() },
    }),
    deps.db.job.deleteMany({ where: { id } }),
  ]);
  await publishGone(deps, id, record);
  return { id, state, execution, record: count ? 'deleted' : 'already gone' };
}

async function publishGone(deps: ControlDeps, id: string, where: { type: string; queue: string } | null) {
  // Dashboards showing it refetch (the job's page then says it is gone, lists drop it).
  await deps.events.publish({
    kind: 'job.updated',
    jobId: id,
    type: where?.type,
    queue: where?.queue,
    at: new Date().toISOString(),
  });
}
