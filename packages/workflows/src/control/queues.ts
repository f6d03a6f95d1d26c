import type { ControlDeps } from './deps';
import { DomainError } from './errors';

const ACTIVITY_TASK_QUEUE = 2;

export interface QueueStatus {
  name: string;
  paused: boolean;
  /** Who paused it and why, as recorded in Temporal. */
  reason: string | null;
  changedAt: string | null;
}

export const queueCli = {
  pause: (queue: string, reason: string) =>
    `temporal task-queue config set --task-queue ${queue} --task-queue-type activity --queue-rps-limit 0 --queue-rps-limit-reason ${JSON.stringify(reason)}`,
  resume: (queue: string) =>
    `temporal task-queue config set --task-queue ${queue} --task-queue-type activity --queue-rps-limit default`,
  status: (queue: string) => `temporal task-queue config get --task-queue ${queue} --task-queue-type activity`,
};

/**
 * Pausing a queue is Temporal's own task-queue rate limit set to zero on the queue's activity tasks:
 * the server dispatches no activity of that queue until it is lifted. Running activities finish
 * their current step, new jobs are accepted and wait, and the setting lives in Temporal, so it
 * survives restarts of every Jobdeck process and shows in `temporal task-queue config get`.
 * Bookkeeping runs on its own queue (BOOKKEEPING_QUEUE), so a paused job can still be cancelled.
 */
export async function setQueuePaused(deps: ControlDeps, queue: string, paused: boolean, actor: string, note?: string) {
  const reason = paused ? `paused by ${actor}${note ? `: ${note}` : ''}` : `resumed by ${actor}`;
  try {
    await deps.temporal.workflowService.updateTaskQueueConfig({
      namespace: deps.namespace,
      identity: actor,
      taskQueue: queue,
      taskQueueType: ACTIVITY_TASK_QUEUE,
      updateQueueRateLimit: paused ? { rateLimit: { requestsPerSecond: 0 }, reason } : { reason },
    });
  } catch (error) {
    throw new DomainError('SERVICE_UNAVAILABLE', `Temporal did not change queue ${queue}: ${(error as Error).message}`);
  }
  // Live (issue 12), best effort: the queue is paused whether or not a dashboard hears of it now.
  await deps.events
    .publish({
      kind: paused ? 'queue.paused' : 'queue.resumed',
      queue,
      by: actor,
      reason: paused ? (note ?? null) : null,
      at: new Date().toISOString(),
    })
    .catch(() => undefined);
  return { queue, paused, reason, cli: paused ? queueCli.pause(queue, reason) : queueCli.resume(queue) };
}

/** An activity queue's rate limit as Temporal reports it: absent is the system default; present with no rate is zero, paused. */
export function pausedByRateLimit(
  limit: { rateLimit?: { requestsPerSecond?: number | null } | null } | null | undefined,
): boolean {
  return Boolean(limit?.rateLimit) && !(limit?.rateLimit?.requestsPerSecond ?? 0);
}

export async function queueStatus(deps: ControlDeps, queue: string): Promise<QueueStatus> {
  const response = await deps.temporal.workflowService.describeTaskQueue({
    namespace: deps.namespace,
    taskQueue: { name: queue, kind: 1 },
    taskQueueType: ACTIVITY_TASK_QUEUE,
    reportConfig: true,
  });
  const limit = response.config?.queueRateLimit;
  const paused = pausedByRateLimit(limit);
  const seconds = limit?.metadata?.updateTime?.seconds;
  return {
    name: queue,
    paused,
    reason: paused ? (limit?.metadata?.reason ?? null) : null,
    changedAt: seconds ? new Date(Number(seconds) * 1000).toISOString() : null,
  };
}
