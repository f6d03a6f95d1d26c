import { randomUUID } from 'node:crypto';
import type { temporal as proto } from '@temporalio/proto';
import { z } from 'zod';
import { FLOW_JOB_TYPE } from '../../runtime/flow-vocabulary';
import type { Actor } from '../../runtime/roles';
import type { ControlDeps } from '../deps';
import { DomainError } from '../errors';
import { jobLogLine, temporalRefusal } from '../job-log';
import { readJobHistory, stepRefusal, type JobHistory, type StepWithResetPoint } from './steps';

/** Why a rerun is asked for: shown in Temporal's reset event and on the job, so one line of plain text. */
export const rerunReason = z
  .string()
  .trim()
  .min(1, 'say why the job is rerun')
  .max(500)
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  .regex(/^[^\0-\x1f\x7f]*$/, 'reason is one line of text without control characters');

// ResetReapplyExcludeType's values (the proto package is CommonJS: its enums are not importable by name here).
const EXCLUDE_SIGNALS = 1 as proto.api.enums.v1.ResetReapplyExcludeType;
const EXCLUDE_UPDATES = 2 as proto.api.enums.v1.ResetReapplyExcludeType;
type EventIdLong = NonNullable<
  proto.api.workflowservice.v1.IResetWorkflowExecutionRequest['workflowTaskFinishEventId']
>;

/** A job record as a rerun needs it. */
interface RerunTarget {
  id: string;
  type: string;
  queue: string;
  parentId: string | null;
  state: string;
  finishedAt: Date | null;
}

/**
 * Why this job cannot be rerun from a step, or null: only a closed job (its steps are history then),
 * and neither a flow nor a flow's node (the flow would not see the node's new run: flows.retryNode).
 */
export function rerunRefusal(record: Pick<RerunTarget, 'id' | 'type' | 'parentId'>, status: string): string | null {
  if (record.type === FLOW_JOB_TYPE)
    return `job ${record.id} is a flow; a flow reruns its failed nodes with flows.retryNode`;
  if (record.parentId)
    return `job ${record.id} is a child of ${record.parentId}, which waits for this run; rerun or retry through the parent`;
  if (status === 'RUNNING')
    return `job ${record.id} is running; only a finished job can be rerun from a step (retry its pending activity now instead)`;
  return null;
}

export async function findRerunTarget(deps: ControlDeps, id: string): Promise<RerunTarget> {
  const record = await deps.db.job.findUnique({
    where: { id },
    select: { id: true, type: true, queue: true, parentId: true, state: true, finishedAt: true },
  });
  if (!record) throw new DomainError('NOT_FOUND', `no job ${id}`);
  return record;
}

/**
 * Resets the job's closed workflow to the workflow task that scheduled the step: Temporal keeps the
 * history before it (earlier steps' results are replayed, not done again) and the task runs again,
 * scheduling the step anew in a new run of the same workflow id. Then the record follows the new run.
 */
export async function rerunFromStep(deps: ControlDeps, id: string, eventId: number, reasonGiven: string, actor: Actor) {
  const reason = rerunReason.parse(reasonGiven);
  const record = await findRerunTarget(deps, id);
  const history = await readJobHistory(deps, id);
  const refusal = rerunRefusal(record, history.status);
  if (refusal) throw new DomainError('PRECONDITION_FAILED', refusal);
  const step = history.steps.find((candidate) => candidate.eventId === eventId);
  if (!step) throw new DomainError('PRECONDITION_FAILED', stepRefusal(history, id, eventId));
  return resetToStep(deps, record, history, step, reason, actor);
}

/** The reset itself and the record's return to life; shared with the bulk form, which picks the step by activity. */
export async function resetToStep(
  deps: ControlDeps,
  record: RerunTarget,
  history: JobHistory,
  step: StepWithResetPoint,
  reason: string,
  actor: Actor,
) {
  const { id } = record;
  const { runId } = await deps.temporal.workflowService
    .resetWorkflowExecution({
      namespace: deps.namespace,
      workflowExecution: { workflowId: id, runId: history.runId },
      // The Temporal UI and `temporal workflow show` display it on the reset event.
      reason: `rerun from ${step.activity} by ${actor.name}: ${reason}`,
      // protobufjs takes a plain number for an int64 (`long` is not ours to import).
      workflowTaskFinishEventId: step.resetEventId as unknown as EventIdLong,
      requestId: randomUUID(),
      identity: `jobdeck (${actor.name})`,
      // What came after the reset point belongs to the old run: attempt signals would only mislead the new one.
      resetReapplyExcludeTypes: [EXCLUDE_SIGNALS, EXCLUDE_UPDATES],
    })
    .catch(temporalRefusal(id, 'rerun'));
  const newRunId = runId ?? '';
  await reviveRecord(deps, record, newRunId);
  await jobLogLine(
    deps,
    id,
    'warn',
    `rerun from step ${step.activity} (event ${step.eventId}) by ${actor.name}: ${reason}; earlier steps' results are kept, run ${newRunId}`,
  );
  return { id, runId: newRunId, step: step.activity, eventId: step.eventId };
}

/**
 * The reset run replays the shell's start without its sinks, so no one else says the job lives again:
 * the record takes the new run and a live state, its end cleared. Only if it still shows the end it had
 * (same state, same finishedAt): a reset run that already ended wrote its own end, which stays. The
 * shell's end write is a plain UPDATE by id, so it lands over this one whenever the new run ends; the
 * reconciler leaves live records of running workflows alone (and follows a newer run id).
 */
async function reviveRecord(deps: ControlDeps, record: RerunTarget, runId: string) {
  const { rowCount } = await deps.sql.query(
    `UPDATE "Job" SET "runId" = $2, "state" = 'active', "finishedAt" = NULL, "error" = NULL, "errorStack" = NULL,
        "errorType" = NULL, "result" = NULL, "resultSummary" = NULL, "lastFailedAt" = NULL, "updatedAt" = now() AT TIME ZONE 'UTC'
      WHERE "id" = $1 AND "state"::text = $3 AND "finishedAt" IS NOT DISTINCT FROM $4::timestamp(3)`,
    [record.id, runId, record.state, record.finishedAt?.toISOString() ?? null],
  );
  if (!rowCount) await deps.db.job.updateMany({ where: { id: record.id }, data: { runId } });
  await deps.events
    .publish({
      kind: 'job.updated',
      jobId: record.id,
      type: record.type,
      queue: record.queue,
      state: 'active',
      at: new Date().toISOString(),
    })
    .catch(() => undefined);
}
