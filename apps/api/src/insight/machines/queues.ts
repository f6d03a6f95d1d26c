import { pausedByRateLimit } from '@jobdeck/workflows/control';
import type { Services } from '../../services';
import type { Poller, QueueInsight, TaskQueueFigures, TaskQueueStats } from './types';

const WORKFLOW_TASK_QUEUE = 1;
const ACTIVITY_TASK_QUEUE = 2;
/** At most this many queues are described per answer (each costs two calls to Temporal). */
export const MAX_QUEUES = 100;

/** protobufjs hands 64-bit integers over as Long objects, numbers or strings. */
type Int64 = number | string | { toNumber(): number } | null | undefined;
interface RawTimestamp {
  seconds?: Int64;
  nanos?: number | null;
}
export interface RawTaskQueueStats {
  approximateBacklogCount?: Int64;
  approximateBacklogAge?: RawTimestamp | null;
  tasksAddRate?: number | null;
  tasksDispatchRate?: number | null;
}
/** The part of DescribeTaskQueueResponse (default mode, report_stats) that is read. */
export interface RawDescribeTaskQueue {
  pollers?: Array<{
    identity?: string | null;
    lastAccessTime?: RawTimestamp | null;
    ratePerSecond?: number | null;
  }> | null;
  stats?: RawTaskQueueStats | null;
  statsByPriorityKey?: Record<string, RawTaskQueueStats> | null;
  /** Asked for on activity task queues: a pause is a rate limit of zero. */
  config?: { queueRateLimit?: { rateLimit?: { requestsPerSecond?: number | null } | null } | null } | null;
}

function int(value: Int64): number {
  if (value === null || value === undefined) return 0;
  const number = typeof value === 'object' ? value.toNumber() : Number(value);
  return Number.isFinite(number) ? number : 0;
}

function seconds(duration: RawTimestamp | null | undefined): number {
  if (!duration) return 0;
  return Math.round((int(duration.seconds) + (duration.nanos ?? 0) / 1e9) * 1000) / 1000;
}

function rate(value: number | null | undefined): number {
  return Number.isFinite(value) ? Math.round((value as number) * 1000) / 1000 : 0;
}

function figures(stats: RawTaskQueueStats | null | undefined): TaskQueueFigures {
  return {
    backlogCount: int(stats?.approximateBacklogCount),
    backlogAgeSeconds: seconds(stats?.approximateBacklogAge),
    addRatePerSecond: rate(stats?.tasksAddRate),
    dispatchRatePerSecond: rate(stats?.tasksDispatchRate),
  };
}

/** Temporal's answer for one task queue type, as numbers (absent fields are zero: an idle queue). */
export function parseTaskQueueStats(response: RawDescribeTaskQueue): TaskQueueStats {
  const byPriority = Object.entries(response.statsByPriorityKey ?? {})
    .map(([key, stats]) => ({ priority: Number(key), ...figures(stats) }))
    .filter((entry) => Number.isInteger(entry.priority))
    .sort((a, b) => a.priority - b.priority);
  return { ...figures(response.stats), byPriority };
}

export function parsePollers(response: RawDescribeTaskQueue, kind: Poller['kind']): Poller[] {
  return (response.pollers ?? []).map((poller) => {
    const at = poller.lastAccessTime ? int(poller.lastAccessTime.seconds) * 1000 : 0;
    return {
      identity: poller.identity ?? '',
      kind,
      lastAccessAt: at > 0 ? new Date(at + Math.floor((poller.lastAccessTime?.nanos ?? 0) / 1e6)).toISOString() : null,
      ratePerSecond: rate(poller.ratePerSecond),
    };
  });
}

export type QueueNow = Omit<QueueInsight, 'history'>;

/** Backlog, rates (per priority) and pollers of each queue, workflow and activity tasks alike, straight from Temporal. */
export async function describeQueues(services: Services, names: string[]): Promise<QueueNow[]> {
  const { temporal, config } = services;
  const describe = async (name: string, taskQueueType: number) =>
    (await temporal.workflowService.describeTaskQueue({
      namespace: config.temporalNamespace,
      taskQueue: { name, kind: 1 },
      taskQueueType,
      reportStats: true,
      reportConfig: taskQueueType === ACTIVITY_TASK_QUEUE,
    })) as RawDescribeTaskQueue;
  return Promise.all(
    names.slice(0, MAX_QUEUES).map(async (name) => {
      const [workflow, activity] = await Promise.all([
        describe(name, WORKFLOW_TASK_QUEUE),
        describe(name, ACTIVITY_TASK_QUEUE),
      ]);
      return {
        name,
        workflow: parseTaskQueueStats(workflow),
        activity: parseTaskQueueStats(activity),
        pollers: [...parsePollers(workflow, 'workflow'), ...parsePollers(activity, 'activity')],
        paused: pausedByRateLimit(activity.config?.queueRateLimit),
      };
    }),
  );
}

/** A queue in one line, as the metrics and the live `queue.stats` tell it: both task kinds summed. */
export function queueTotals(queue: QueueNow) {
  const backlog = queue.workflow.backlogCount + queue.activity.backlogCount;
  return {
    backlog,
    oldestWaitSeconds: Math.max(queue.workflow.backlogAgeSeconds, queue.activity.backlogAgeSeconds),
    // One process polls workflow and activity tasks under one identity: count processes, not pollers.
    workers: new Set(queue.pollers.map((poller) => poller.identity)).size,
  };
}
