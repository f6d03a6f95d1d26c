import { defaultQueues } from '@jobdeck/workflows';
import type { Services } from '../services';

/** The catalogue's queues and any other queue jobs were enqueued on lately (enqueue may name one). */
export async function knownQueues(services: Services): Promise<string[]> {
  return services.cache.remember('queues', 5_000, async () => {
    const since = new Date(Date.now() - 7 * 86_400_000);
    const rows = await services.db.job
      .findMany({ where: { createdAt: { gte: since } }, distinct: ['queue'], select: { queue: true } })
      .catch(() => []);
    return [...new Set([...defaultQueues(), ...rows.map((row) => row.queue)])].sort();
  });
}
