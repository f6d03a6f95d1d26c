import type { Redis } from 'ioredis';

/**
 * Short-lived caches and fixed-window counters. Redis shares them between API instances; without
 * Redis (or while it is away) each process keeps its own, which is correct for one instance.
 */
export interface Cache {
  remember<T>(key: string, ttlMs: number, compute: () => Promise<T>): Promise<T>;
  /** Counts a hit in the current window and returns the count so far. */
  hit(key: string, windowMs: number): Promise<number>;
}

export function createCache(redis: Redis | null, prefix: string): Cache {
  const memory = new Map<string, { value: unknown; expires: number }>();
  const inFlight = new Map<string, Promise<unknown>>();
  const usable = () => redis !== null && redis.status === 'ready';

  function memoryGet(key: string) {
    const entry = memory.get(key);
    if (!entry || entry.expires < Date.now()) return undefined;
    return entry;
  }

  return {
    async remember<T>(key: string, ttlMs: number, compute: () => Promise<T>): Promise<T> {
      const fullKey = `${prefix}cache:${key}`;
      if (usable()) {
        const cached = await redis!.get(fullKey).catch(() => null);
        if (cached !== null) return JSON.parse(cached) as T;
      } else {
        const entry = memoryGet(fullKey);
        if (entry) return entry.value as T;
      }
      // Concurrent callers of one process share a single computation.
      const pending = inFlight.get(fullKey);
      if (pending) return pending as Promise<T>;
      const promise = compute().finally(() => inFlight.delete(fullKey));
      inFlight.set(fullKey, promise);
      const value = await promise;
      if (usable()) await redis!.set(fullKey, JSON.stringify(value), 'PX', ttlMs).catch(() => undefined);
      else memory.set(fullKey, { value, expires: Date.now() + ttlMs });
      return value;
    },

    async hit(key: string, windowMs: number): Promise<number> {
      const window = Math.floor(Date.now() / windowMs);
      const fullKey = `${prefix}hits:${key}:${window}`;
      if (usable()) {
        try {
          const [[, count]] = (await redis!.multi().incr(fullKey).pexpire(fullKey, windowMs).exec()) as [
            [unknown, number],
          ];
          return count;
        } catch {
          // fall through to memory
        }
      }
      const entry = memoryGet(fullKey);
      const count = ((entry?.value as number | undefined) ?? 0) + 1;
      memory.set(fullKey, { value: count, expires: Date.now() + windowMs });
      return count;
    },
  };
}
