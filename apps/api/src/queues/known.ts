import { defaultQueues, LIVE_STATES } from '@jobdeck/workflows';
import type { Services } from '../services';

/**
 * The catalogue's queues and any other queue jobs were enqueued on lately (enqueue may name one): a
 * queue with live jobs, or with jobs that ended in the last 7 days. Read from the counters and the
 * daily rollup (a few hundred rows), not from the job records (a million).
 */
export async function knownQueues(services: Services): Promise<string[]> {
  return services.cache.remember('queues', 5_000, async () => {
    const since = new Date(Date.now() - 7 * 86_400_000);
    const { rows } = await services.sql
      .query<{ queue: string }>(
        `SELECT "queue" FROM "JobStateCount" WHERE "count" > 0 AND "state"::text = ANY($1::text[])
         UNION
         SELECT DISTINCT "queue" FROM "JobRollup" WHERE "grain" = 'day' AND "bucketStart" >= $2::timestamptz`,
        [[...LIVE_STATES], since.toISOString()],
      )
      .catch(() => ({ rows: [] as Array<{ queue: string }> }));
    return [...new Set([...defaultQueues(), ...rows.map((row) => row.queue)])].sort();
  });
}
