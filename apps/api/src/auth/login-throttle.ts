import type { Redis } from 'ioredis';

/**
 * Login attempts, counted per client address and per account, atomically: an attempt is counted as
 * it is admitted (as a failure, until it succeeds), so forty parallel guesses cannot all pass one
 * check before any of them is counted. The first `freeAttempts` go through at once; after that each
 * attempt must wait a delay that doubles, from one second to fifteen minutes. A key is forgotten
 * fifteen minutes after its last attempt; a successful login clears the account's count.
 */
export interface LoginThrottle {
  /** Counts the attempt against every key, or refuses it (counting nothing) while a key must wait. */
  admit(keys: ThrottleKey[]): Promise<{ admitted: true } | { admitted: false; retryAfterMs: number }>;
  /** The password was right: the account starts afresh, the address gets its attempt back. */
  succeeded(keys: ThrottleKey[]): Promise<void>;
}

export interface ThrottleKey {
  key: string;
  /** Attempts admitted without delay. */
  freeAttempts: number;
  /** On success: forget everything (an account) or give one attempt back (an address). */
  onSuccess: 'reset' | 'refund';
}

const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 15 * 60_000;
const FORGET_AFTER_MS = 15 * 60_000;

export function delayAfter(attempts: number, freeAttempts: number): number {
  if (attempts <= freeAttempts) return 0;
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(30, attempts - freeAttempts - 1));
}

// KEYS: one hash per key (fields: n = attempts counted, until = earliest next attempt, in ms).
// ARGV: now, forgetAfterMs, then per key its free attempts. One script, so check and count are one step.
const ADMIT = `
local now = tonumber(ARGV[1])
local wait = 0
for i, key in ipairs(KEYS) do
  local untilAt = tonumber(redis.call('HGET', key, 'until') or '0')
  if untilAt > now and untilAt - now > wait then wait = untilAt - now end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  local free = tonumber(ARGV[i + 2])
  local n = redis.call('HINCRBY', key, 'n', 1)
  if n > free then
    local delay = math.min(${MAX_DELAY_MS}, ${FIRST_DELAY_MS} * 2 ^ math.min(30, n - free - 1))
    redis.call('HSET', key, 'until', now + delay)
  end
  redis.call('PEXPIRE', key, ARGV[2])
end
return 0`;

const SUCCEEDED = `
for i, key in ipairs(KEYS) do
  if ARGV[i] == 'reset' then redis.call('DEL', key)
  else
    local n = redis.call('HINCRBY', key, 'n', -1)
    if n <= 0 then redis.call('DEL', key) end
  end
end
return 0`;

/** Redis when it is there (shared by every API instance), this process's memory while it is not. */
export function createLoginThrottle(redis: Redis | null, prefix: string): LoginThrottle {
  const memory = new Map<string, { n: number; until: number; expires: number }>();
  const usable = () => redis !== null && redis.status === 'ready';
  const fullKey = (key: string) => `${prefix}login:${key}`;

  const inMemory: LoginThrottle = {
    async admit(keys) {
      const now = Date.now();
      const states = keys.map(({ key }) => {
        const state = memory.get(key);
        return state && state.expires > now ? state : { n: 0, until: 0, expires: 0 };
      });
      const wait = Math.max(0, ...states.map((state) => state.until - now));
      if (wait > 0) return { admitted: false, retryAfterMs: wait };
      keys.forEach(({ key, freeAttempts }, index) => {
        const state = states[index]!;
        state.n += 1;
        const delay = delayAfter(state.n, freeAttempts);
        if (delay) state.until = now + delay;
        state.expires = now + FORGET_AFTER_MS;
        memory.set(key, state);
      });
      return { admitted: true };
    },
    async succeeded(keys) {
      for (const { key, onSuccess } of keys) {
        const state = memory.get(key);
        if (!state) continue;
        if (onSuccess === 'reset' || --state.n <= 0) memory.delete(key);
      }
    },
  };

  return {
    async admit(keys) {
      if (!usable()) return inMemory.admit(keys);
      try {
        const wait = Number(
          await redis!.eval(
            ADMIT,
            keys.length,
            ...keys.map(({ key }) => fullKey(key)),
            Date.now(),
            FORGET_AFTER_MS,
            ...keys.map((key) => key.freeAttempts),
          ),
        );
        return wait > 0 ? { admitted: false, retryAfterMs: wait } : { admitted: true };
      } catch {
        return inMemory.admit(keys);
      }
    },
    async succeeded(keys) {
      if (!usable()) return inMemory.succeeded(keys);
      await redis!
        .eval(SUCCEEDED, keys.length, ...keys.map(({ key }) => fullKey(key)), ...keys.map((key) => key.onSuccess))
        .catch(() => inMemory.succeeded(keys));
    },
  };
}
