import type { SystemEvent } from '@jobdeck/workflows';
import { describeQueues, queueTotals } from '../insight/machines/queues';
import { knownQueues } from '../queues/known';
import type { Services } from '../services';
import { check, type Check } from '../system/service';
import type { LiveDispatcher } from './dispatcher';

/**
 * The live events the API makes itself (issue 12): every few seconds, queue stats and changes of the
 * system's health, each only while some stream of this process asks for them, and only to this
 * process's streams (every API process reads Temporal and its own connections itself: through the
 * bus, each stream would receive every process's copy).
 */

export const QUEUE_STATS_EVERY_MS = 5_000;
export const HEALTH_EVERY_MS = 3_000;
/** At most this many queues are described per round (each costs two calls to Temporal). */
const MAX_QUEUES = 50;

type QueueStats = Extract<SystemEvent, { kind: 'queue.stats' }>;
type HealthEvent = Extract<SystemEvent, { kind: 'system.health' }>;
export type Component = HealthEvent['component'];
export type HealthState = Partial<Record<Component, Check>>;

/** One queue's figures from Temporal, as the metrics read them (insight's describeQueues). */
async function describeQueue(services: Services, name: string, at: string): Promise<QueueStats> {
  const [queue] = await describeQueues(services, [name]);
  const { backlog, oldestWaitSeconds, workers } = queueTotals(queue!);
  return {
    kind: 'queue.stats',
    queue: name,
    backlog,
    oldestWaitMs: backlog > 0 ? Math.round(oldestWaitSeconds * 1000) : null,
    workers,
    paused: queue!.paused,
    at,
  };
}

/** The stats of every known queue, shared by the API processes for a few seconds (Redis cache). */
export async function queueStatsEvents(services: Services): Promise<QueueStats[]> {
  return services.cache.remember('live:queue-stats', QUEUE_STATS_EVERY_MS - 500, async () => {
    const at = new Date().toISOString();
    const names = (await knownQueues(services)).slice(0, MAX_QUEUES);
    const described = await Promise.all(names.map((name) => describeQueue(services, name, at).catch(() => null)));
    return described.filter((stats): stats is QueueStats => stats !== null);
  });
}

/** Temporal, Postgres and Redis (when configured), as the health page checks them, without the queues. */
export async function checkComponents(services: Services): Promise<HealthState> {
  const { db, temporal, redis } = services;
  const [temporalCheck, postgres, redisCheck] = await Promise.all([
    check(() => temporal.workflowService.getSystemInfo({})),
    check(() => db.$queryRaw`SELECT 1`),
    redis ? check(() => redis.ping()) : Promise.resolve(undefined),
  ]);
  return { temporal: temporalCheck, postgres, ...(redisCheck ? { redis: redisCheck } : {}) };
}

/** A driver's error may run to many lines (Prisma quotes the call): its last line, short, is what a viewer reads. */
function detailOf(error: string | null): string | null {
  const line = error
    ?.split('\n')
    .map((text) => text.trim())
    .filter(Boolean)
    .at(-1);
  return line ? line.slice(0, 300) : null;
}

/** The components whose health flipped since `previous`; a component seen for the first time is no change. */
export function healthFlips(previous: HealthState, current: HealthState, at: string): HealthEvent[] {
  const flips: HealthEvent[] = [];
  for (const component of ['temporal', 'postgres', 'redis'] as const) {
    const before = previous[component];
    const now = current[component];
    if (!before || !now || before.ok === now.ok) continue;
    flips.push({ kind: 'system.health', component, ok: now.ok, detail: now.ok ? null : detailOf(now.error), at });
  }
  return flips;
}

/** Runs `tick` every `everyMs` while `wanted()`, never two at once. Returns the way to stop. */
function every(everyMs: number, wanted: () => boolean, tick: () => Promise<void>): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running || !wanted()) return;
    running = true;
    tick()
      .catch(() => undefined)
      .finally(() => {
        running = false;
      });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

export interface SystemFeedOptions {
  queueStatsEveryMs?: number;
  healthEveryMs?: number;
}

/** One per API process, beside its live dispatcher. */
export function startSystemFeed(
  services: Services,
  dispatcher: Pick<LiveDispatcher, 'dispatch' | 'wants'>,
  { queueStatsEveryMs = QUEUE_STATS_EVERY_MS, healthEveryMs = HEALTH_EVERY_MS }: SystemFeedOptions = {},
): () => void {
  const stopStats = every(
    queueStatsEveryMs,
    () => dispatcher.wants('queue') > 0,
    async () => {
      for (const stats of await queueStatsEvents(services)) dispatcher.dispatch(stats);
    },
  );
  // What this process saw last: a change is told once, to the streams listening then.
  let last: HealthState = {};
  const stopHealth = every(
    healthEveryMs,
    () => dispatcher.wants('health') > 0,
    async () => {
      const current = await checkComponents(services);
      for (const flip of healthFlips(last, current, new Date().toISOString())) dispatcher.dispatch(flip);
      last = current;
    },
  );
  return () => {
    stopStats();
    stopHealth();
  };
}
