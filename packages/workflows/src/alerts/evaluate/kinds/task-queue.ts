import { pausedByRateLimit } from '../../../control/queues';
import type { ActivityDeps } from '../../../runtime/activity-deps';
import { ConditionUnreadable } from './types';

// Temporal's TaskQueueType: a job's workflow waits as a workflow task, its steps as activity tasks.
const WORKFLOW_TASK_QUEUE = 1;
const ACTIVITY_TASK_QUEUE = 2;
const NORMAL_KIND = 1;

interface ProtoTime {
  seconds?: { toString(): string } | number | null;
  nanos?: number | null;
}

/** A protobuf Timestamp or Duration in milliseconds (null when absent). */
function protoMs(value: ProtoTime | null | undefined): number | null {
  if (!value) return null;
  return Number(value.seconds ?? 0) * 1000 + Math.floor((value.nanos ?? 0) / 1e6);
}

export interface TaskQueueSide {
  backlog: number;
  oldestWaitMs: number;
  pollers: Array<{ identity: string; lastAccessMs: number | null }>;
}

export interface TaskQueueLook {
  workflow: TaskQueueSide;
  activity: TaskQueueSide;
  /** The activity tasks' rate limit is zero: Jobdeck's pause (control/queues.ts). */
  paused: boolean;
}

/**
 * One queue as Temporal sees it now, both task types: backlog and oldest task (reportStats, which
 * Temporal computes approximately and caches for a few seconds) and the pollers it remembers.
 */
export async function lookAtTaskQueue(deps: ActivityDeps, queue: string): Promise<TaskQueueLook> {
  const describe = (taskQueueType: number) =>
    deps.temporal.workflowService.describeTaskQueue({
      namespace: deps.namespace,
      taskQueue: { name: queue, kind: NORMAL_KIND },
      taskQueueType,
      reportStats: true,
      reportConfig: taskQueueType === ACTIVITY_TASK_QUEUE,
    });
  let responses;
  try {
    responses = await Promise.all([describe(WORKFLOW_TASK_QUEUE), describe(ACTIVITY_TASK_QUEUE)]);
  } catch (error) {
    throw new ConditionUnreadable(`Temporal did not describe queue ${queue}: ${(error as Error).message}`);
  }
  const [workflow, activity] = responses.map((response): TaskQueueSide => ({
    backlog: Number(response.stats?.approximateBacklogCount ?? 0),
    oldestWaitMs: protoMs(response.stats?.approximateBacklogAge) ?? 0,
    pollers: (response.pollers ?? []).map((poller) => ({
      identity: poller.identity ?? '',
      lastAccessMs: protoMs(poller.lastAccessTime),
    })),
  }));
  const paused = pausedByRateLimit(responses[1].config?.queueRateLimit);
  return { workflow: workflow!, activity: activity!, paused };
}

/** How a duration reads in a message: 45 s, 12 min, 3 h 5 min. */
export function inWords(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
