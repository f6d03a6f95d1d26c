import type { AlertingDeps } from '../../../runtime/activity-deps';
import { alertingRedis } from '../../redis';
import { ConditionUnreadable } from './types';

/**
 * What an evaluator remembers between two evaluations of one rule, when Temporal does not keep it:
 * the last poller seen on a queue (Temporal forgets a poller 5 minutes after its last poll) and a
 * schedule's missed/skipped counts at the previous look (Temporal keeps only the totals). The engine
 * stores no evaluator state, and the schema has no place for it: a small Redis hash per rule, with
 * a TTL refreshed on every evaluation, so a deleted rule's memory goes by itself. Without Redis it
 * lives in this process (one worker evaluates alerts in that setup). Losing it costs little: the
 * next evaluation starts a new baseline (at most one missed run is not told; see the README).
 */
export interface RuleMemory {
  read(): Promise<Record<string, string>>;
  write(fields: Record<string, string>): Promise<void>;
}

const MEMORY_TTL_SECONDS = 7 * 24 * 3600;

const inProcess = new Map<string, Record<string, string>>();

export function ruleMemory(alerting: AlertingDeps, ruleId: string): RuleMemory {
  const key = `${alerting.redisPrefix}alerts:memory:${ruleId}`;
  if (!alerting.redisUrl) {
    return {
      read: async () => ({ ...inProcess.get(key) }),
      write: async (fields) => void inProcess.set(key, { ...inProcess.get(key), ...fields }),
    };
  }
  const url = alerting.redisUrl;
  const unreadable = (error: unknown) => {
    throw new ConditionUnreadable(
      `Redis did not answer (the rule's memory of its last look): ${(error as Error).message}`,
    );
  };
  return {
    read: () =>
      alertingRedis(url)
        .then((client) => client.hgetall(key))
        .catch(unreadable),
    async write(fields) {
      if (!Object.keys(fields).length) return;
      await alertingRedis(url)
        .then((client) => client.multi().hset(key, fields).expire(key, MEMORY_TTL_SECONDS).exec())
        .catch(unreadable);
    },
  };
}
