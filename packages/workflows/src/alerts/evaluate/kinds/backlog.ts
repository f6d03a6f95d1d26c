import { inWords, lookAtTaskQueue } from './task-queue';
import type { KindEvaluator } from './types';

/**
 * A queue's backlog from Temporal's task-queue stats: the activity tasks waiting for a worker (a
 * job whose queue is paused, or whose workers are all busy, waits there) plus the workflow tasks
 * waiting (a queue without any worker: its jobs never get as far as their first step). At or
 * above maxBacklog tasks, or an oldest task waiting maxOldestWaitSeconds or longer: active (every
 * threshold of every kind is reached at its value). Temporal's
 * figures are approximate and a few seconds old; a rule measured in tasks and minutes does not mind.
 */
export const evaluateBacklog: KindEvaluator<'backlog'> = async (ctx, rule) => {
  const { queue, maxBacklog, maxOldestWaitSeconds } = rule.condition;
  const look = await lookAtTaskQueue(ctx.deps, queue);
  const backlog = look.activity.backlog + look.workflow.backlog;
  const oldestMs = Math.max(look.activity.oldestWaitMs, look.workflow.oldestWaitMs);

  const overCount = maxBacklog !== undefined && backlog >= maxBacklog;
  const overAge = maxOldestWaitSeconds !== undefined && oldestMs >= maxOldestWaitSeconds * 1000;
  const parts = [
    maxBacklog !== undefined
      ? `${backlog} waiting tasks, ${overCount ? 'at or above' : 'below'} ${maxBacklog}`
      : `${backlog} waiting tasks`,
    maxOldestWaitSeconds !== undefined
      ? `oldest waiting ${inWords(oldestMs)}, ${overAge ? 'at or above' : 'below'} ${inWords(maxOldestWaitSeconds * 1000)}`
      : `oldest waiting ${inWords(oldestMs)}`,
  ];
  const facts = [
    { label: 'Queue', value: queue },
    { label: 'Waiting tasks', value: String(backlog) },
    { label: 'Waiting steps (activity tasks)', value: String(look.activity.backlog) },
    { label: 'Waiting starts (workflow tasks)', value: String(look.workflow.backlog) },
    { label: 'Oldest waiting', value: inWords(oldestMs) },
    ...(maxBacklog !== undefined ? [{ label: 'Threshold (tasks)', value: String(maxBacklog) }] : []),
    ...(maxOldestWaitSeconds !== undefined
      ? [{ label: 'Threshold (oldest wait)', value: inWords(maxOldestWaitSeconds * 1000) }]
      : []),
    { label: 'Paused', value: look.paused ? 'yes' : 'no' },
  ];
  return [
    {
      subject: queue,
      queue,
      active: overCount || overAge,
      message: `Queue ${queue}${look.paused ? ' (paused)' : ''}: ${parts.join('; ')} (Temporal's approximate figures)`,
      facts,
    },
  ];
};
