import type { Redis } from 'ioredis';
import type { RedisFigures } from './types';

/** The `INFO` reply as name → value (section headers and blank lines skipped). */
export function parseRedisInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}

/** Memory used, commands per second (Redis's own instantaneous figure) and connected clients. */
export function redisFigures(info: string): RedisFigures {
  const fields = parseRedisInfo(info);
  const number = (name: string) => {
    const value = Number(fields.get(name));
    if (!Number.isFinite(value)) throw new Error(`Redis INFO lacks ${name}`);
    return value;
  };
  return {
    usedMemoryBytes: number('used_memory'),
    opsPerSecond: number('instantaneous_ops_per_sec'),
    connectedClients: number('connected_clients'),
  };
}

export async function readRedis(redis: Redis): Promise<RedisFigures> {
  return redisFigures(await redis.info());
}
