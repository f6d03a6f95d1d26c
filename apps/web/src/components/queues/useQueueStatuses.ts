import { trpc, type RouterOutputs } from '../../trpc';

export type QueueStatus = RouterOutputs['queues']['list'][number];

/** Every queue's paused state, from Temporal; shared by every place that names a queue. */
export function useQueueStatuses() {
  const list = trpc.queues.list.useQuery(undefined, { staleTime: 10_000, refetchInterval: 15_000 });
  const byName = new Map((list.data ?? []).map((queue) => [queue.name, queue]));
  return { byName, query: list };
}

export function useQueueStatus(queue: string): QueueStatus | undefined {
  return useQueueStatuses().byName.get(queue);
}

/** A queue action changes its state, the health line, the counts and the lists. */
export function useInvalidateQueues() {
  const utils = trpc.useUtils();
  return () => {
    void utils.queues.list.invalidate();
    void utils.system.health.invalidate();
    void utils.jobs.stats.invalidate();
    void utils.jobs.list.invalidate();
  };
}
