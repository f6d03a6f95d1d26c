/** How many per-job commands one request sends at once. */
export const COMMANDS_AT_ONCE = 8;

/**
 * `fn` over every item, at most `limit` at a time, results in the items' order. For commands sent
 * job by job (a drain, an inline bulk action): one at a time, a queue of a few hundred waiting jobs
 * held the request for tens of seconds; all at once, it would flood Temporal and the pools.
 */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
