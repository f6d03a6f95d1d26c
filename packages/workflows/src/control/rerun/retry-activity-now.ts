import { z } from 'zod';
import type { Actor } from '../../runtime/roles';
import type { ControlDeps } from '../deps';
import { DomainError } from '../errors';
import { jobLogLine, temporalRefusal } from '../job-log';
import { backoffFields, maxAttempts, withIntervalsInOrder } from '../start';
import { BOOKKEEPING_STEPS, readJobHistory } from './steps';

/** New retry options for the pending activity, from its next attempt on (Temporal's UpdateActivityOptions). */
export const activityRetryChanges = withIntervalsInOrder(
  z
    .object({
      /** Counted from the retry on: Temporal starts the attempt count again at 1. */
      maxAttempts: maxAttempts.optional(),
      ...backoffFields,
    })
    .strict(),
);
export type ActivityRetryChanges = z.output<typeof activityRetryChanges>;

const PENDING_STARTED = 2; // PendingActivityState.STARTED: an attempt runs right now

function duration(ms: number) {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}

/** The retry policy fields to change and their field-mask paths: only what was given, the rest as it was. */
export function retryPolicyUpdate(retry: ActivityRetryChanges) {
  const policy: Record<string, unknown> = {};
  const paths: string[] = [];
  if (retry.maxAttempts !== undefined) {
    policy.maximumAttempts = retry.maxAttempts;
    paths.push('retry_policy.maximum_attempts');
  }
  if (retry.initialIntervalMs !== undefined) {
    policy.initialInterval = duration(retry.initialIntervalMs);
    paths.push('retry_policy.initial_interval');
  }
  if (retry.backoffCoefficient !== undefined) {
    policy.backoffCoefficient = retry.backoffCoefficient;
    paths.push('retry_policy.backoff_coefficient');
  }
  if (retry.maximumIntervalMs !== undefined) {
    policy.maximumInterval = duration(retry.maximumIntervalMs);
    paths.push('retry_policy.maximum_interval');
  }
  return { policy, paths };
}

/**
 * A running job's pending activity, retried at once instead of after its backoff (Temporal's
 * ResetActivity), its retry options changed first when asked (UpdateActivityOptions). The job is not
 * restarted: its workflow and earlier steps are untouched. Temporal counts the activity's attempts
 * from 1 again; the record keeps the highest attempt it saw (attempt writes take the greater).
 */
export async function retryActivityNow(
  deps: ControlDeps,
  id: string,
  request: { activityId?: string; retry?: ActivityRetryChanges },
  actor: Actor,
) {
  const retry = request.retry ? activityRetryChanges.parse(request.retry) : undefined;
  const history = await readJobHistory(deps, id);
  if (history.status !== 'RUNNING')
    throw new DomainError(
      'PRECONDITION_FAILED',
      `job ${id} has ended (${history.status.toLowerCase()}); rerun it from a step instead`,
    );
  const pending = history.pending.filter((info) => !BOOKKEEPING_STEPS.has(info.activityType?.name ?? ''));
  const activity = request.activityId
    ? pending.find((info) => info.activityId === request.activityId)
    : pending.length === 1
      ? pending[0]
      : undefined;
  if (!activity) {
    const names = pending.map((info) => `${info.activityId} (${info.activityType?.name})`).join(', ');
    throw new DomainError(
      'PRECONDITION_FAILED',
      request.activityId
        ? `job ${id} has no pending activity ${request.activityId}${names ? `; pending: ${names}` : ''}`
        : pending.length
          ? `job ${id} has ${pending.length} pending activities: name one by activityId (${names})`
          : `job ${id} has no pending activity to retry`,
    );
  }
  const activityId = activity.activityId ?? '';
  const name = activity.activityType?.name ?? 'activity';
  const attemptBefore = activity.attempt ?? 1;
  const execution = { workflowId: id, runId: history.runId };
  const identity = `jobdeck (${actor.name})`;
  const running = activity.state === PENDING_STARTED;
  if (running && !retry)
    throw new DomainError(
      'PRECONDITION_FAILED',
      `${name} of job ${id} is running its attempt ${attemptBefore} now; there is nothing to retry until it fails`,
    );

  if (retry) {
    const { policy, paths } = retryPolicyUpdate(retry);
    if (paths.length)
      await deps.temporal.workflowService
        .updateActivityOptions({
          namespace: deps.namespace,
          execution,
          id: activityId,
          identity,
          activityOptions: { retryPolicy: policy },
          updateMask: { paths },
        })
        .catch(temporalRefusal(id, 'given new retry options'));
  }
  const changed = retry ? ` with retry options ${JSON.stringify(retry)}` : '';
  if (running) {
    // An attempt in flight is left to finish: the new options apply from its next attempt.
    await jobLogLine(
      deps,
      id,
      'info',
      `${name}: retry options changed by ${actor.name}${changed}, from its next attempt`,
    );
    return { id, activityId, activity: name, attempt: attemptBefore };
  }
  await deps.temporal.workflowService
    // The heartbeat details stay: a job that checkpoints (bulk.action) resumes where it was.
    .resetActivity({ namespace: deps.namespace, execution, id: activityId, identity, resetHeartbeat: false })
    .catch(temporalRefusal(id, 'retried now'));
  await jobLogLine(
    deps,
    id,
    'warn',
    `${name} retried now by ${actor.name}${changed}, instead of waiting out the backoff before attempt ${attemptBefore}; Temporal counts its attempts from 1 again`,
  );
  return { id, activityId, activity: name, attempt: 1 };
}
