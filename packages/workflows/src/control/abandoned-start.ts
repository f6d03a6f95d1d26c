import { WorkflowNotFoundError } from '@temporalio/client';
import { LIVE_STATES } from '../runtime/states';
import type { ControlDeps } from './deps';
import { DomainError } from './errors';

const RETRY_EVERY_MS = 2_000;
/** How long a cleanup keeps asking an unreachable Temporal; past it the outage outlasted the guard. */
const GIVE_UP_AFTER_MS = 15 * 60_000;
/** Pending cleanups kept by one process; more during one outage are counted and dropped. */
const MAX_PENDING = 10_000;

export const ABANDONED_START_REASON =
  'enqueue failed: the caller was answered 503 (Temporal did not confirm the start in time), so this start must do no work';

const pending = new Set<string>();
let dropped = 0;

/**
 * An unkeyed start that failed may still have reached Temporal: the server can commit it just before
 * the call's deadline and the answer be lost. The caller was told 503 and will enqueue again, and
 * nobody could ever find this job by its random id, so it must not run: its workflow is terminated
 * as soon as Temporal answers (NOT_FOUND, the usual case, means nothing was started). Keyed starts are
 * not cleaned up: the key finds that job again, and a retry with it never starts a second one.
 *
 * In memory: an API process that stops during a Temporal outage drops its pending cleanups.
 */
export function cleanUpAbandonedStart(
  deps: Pick<ControlDeps, 'temporal' | 'db'>,
  id: string,
  log: (line: string) => void = console.warn,
): void {
  if (pending.has(id)) return;
  if (pending.size >= MAX_PENDING) {
    if (dropped++ === 0)
      log(`enqueue: more than ${MAX_PENDING} failed starts await clean-up; later ones are not tracked`);
    return;
  }
  pending.add(id);
  const giveUpAt = Date.now() + GIVE_UP_AFTER_MS;
  const attempt = async () => {
    try {
      await deps.temporal.workflow.getHandle(id).terminate(ABANDONED_START_REASON);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError) && Date.now() < giveUpAt) {
        setTimeout(() => void attempt(), RETRY_EVERY_MS).unref();
        return;
      }
      pending.delete(id);
      if (!(error instanceof WorkflowNotFoundError))
        log(`enqueue: could not confirm that failed start ${id} did not run: ${(error as Error).message}`);
      return;
    }
    pending.delete(id);
    log(`enqueue: ${id} had reached Temporal although its enqueue failed; terminated`);
    // Its first activity may have written a record already: it says what happened.
    await deps.db.job
      .updateMany({
        where: { id, state: { in: [...LIVE_STATES] } },
        data: { state: 'terminated', error: `terminated: ${ABANDONED_START_REASON}`, finishedAt: new Date() },
      })
      .catch(() => undefined);
  };
  void attempt();
}

/** gRPC UNAVAILABLE or DEADLINE_EXCEEDED anywhere in the chain (the client wraps them in ServiceError). */
function unavailable(error: unknown): boolean {
  for (
    let current = error, depth = 0;
    current && typeof current === 'object' && depth < 5;
    current = (current as { cause?: unknown }).cause, depth++
  ) {
    const code = (current as { code?: unknown }).code;
    if (code === 14 || code === 4) return true;
  }
  return false;
}

/**
 * What a failed `workflow.start` becomes: Temporal away is a 503 that says what the caller may do;
 * a refusal by Temporal stays itself (the API maps it to 400, 429…). Either way an unkeyed start
 * is cleaned up, since nothing tells for sure that the server did not commit it.
 */
export function startFailed(
  deps: Pick<ControlDeps, 'temporal' | 'db'>,
  error: unknown,
  id: string,
  key: string | undefined,
): unknown {
  if (!key) cleanUpAbandonedStart(deps, id);
  if (!unavailable(error)) return error;
  return new DomainError(
    'SERVICE_UNAVAILABLE',
    key
      ? `Temporal unavailable: job ${id} was not confirmed; enqueue again with the same idempotency key (it never starts a second job)`
      : 'Temporal unavailable: the job was not started; try again shortly',
    { cause: error },
  );
}

/** For tests: how many failed starts are still being cleaned up. */
export function pendingAbandonedStarts(): number {
  return pending.size;
}
