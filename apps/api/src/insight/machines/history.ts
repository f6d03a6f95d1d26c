import type { Redis } from 'ioredis';

/** Samples kept per source: at one per SAMPLE_EVERY_MS, the last 10 minutes. */
export const HISTORY_LENGTH = 60;
export const SAMPLE_EVERY_MS = 10_000;
/** A history nobody added to for this long is dropped from Redis. */
const HISTORY_TTL_MS = HISTORY_LENGTH * SAMPLE_EVERY_MS * 2;

export type HistoryKind = 'queues' | 'redis' | 'postgres';

/** Appends a sample unless this time slot has one (from any API process), then trims the list: one round trip. */
const RECORD_SCRIPT = `
if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
  redis.call('LPUSH', KEYS[2], ARGV[2])
  redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[3]) - 1)
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
  return 1
end
return 0`;

export interface HistoryStore {
  /** Adds the sample taken at `at` unless its time slot already has one. */
  record(kind: HistoryKind, at: number, sample: object): Promise<void>;
  /** Each kind's samples, oldest first. */
  read(kinds: HistoryKind[]): Promise<Record<HistoryKind, unknown[]>>;
}

/** In memory: one process's own history, for when there is no Redis (or it is away). */
export function memoryHistory(): HistoryStore {
  const lists = new Map<HistoryKind, { slot: number; items: unknown[] }>();
  return {
    async record(kind, at, sample) {
      const slot = Math.floor(at / SAMPLE_EVERY_MS);
      const list = lists.get(kind) ?? { slot: -1, items: [] };
      if (list.slot === slot) return;
      list.slot = slot;
      list.items.push(sample);
      if (list.items.length > HISTORY_LENGTH) list.items.splice(0, list.items.length - HISTORY_LENGTH);
      lists.set(kind, list);
    },
    async read(kinds) {
      const result = {} as Record<HistoryKind, unknown[]>;
      for (const kind of kinds) result[kind] = [...(lists.get(kind)?.items ?? [])];
      return result;
    },
  };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * Shared by every API process through Redis: capped lists, one sample per time slot whichever process
 * takes it (SET NX on the slot); while Redis is not connected, this process's memory keeps the history.
 */
export function sharedHistory(redis: Redis | null, prefix: string): HistoryStore {
  const memory = memoryHistory();
  const usable = () => redis !== null && redis.status === 'ready';
  const listKey = (kind: HistoryKind) => `${prefix}machines:history:${kind}`;
  return {
    async record(kind, at, sample) {
      if (!usable()) return memory.record(kind, at, sample);
      const slot = Math.floor(at / SAMPLE_EVERY_MS);
      await redis!
        .eval(
          RECORD_SCRIPT,
          2,
          `${prefix}machines:slot:${kind}:${slot}`,
          listKey(kind),
          String(SAMPLE_EVERY_MS * 2),
          JSON.stringify(sample),
          String(HISTORY_LENGTH),
          String(HISTORY_TTL_MS),
        )
        .catch(() => memory.record(kind, at, sample));
    },
    async read(kinds) {
      if (!usable()) return memory.read(kinds);
      try {
        const pipeline = redis!.pipeline();
        for (const kind of kinds) pipeline.lrange(listKey(kind), 0, HISTORY_LENGTH - 1);
        const replies = (await pipeline.exec()) ?? [];
        const result = {} as Record<HistoryKind, unknown[]>;
        kinds.forEach((kind, i) => {
          const [error, items] = replies[i] ?? [null, []];
          // Stored newest first (LPUSH): answered oldest first.
          result[kind] = error ? [] : (items as string[]).map(parse).filter(Boolean).reverse();
        });
        return result;
      } catch {
        return memory.read(kinds);
      }
    },
  };
}
