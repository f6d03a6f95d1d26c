import { defaultQueues, withTimeLimit } from '@jobdeck/workflows';
import { queueStatus } from '@jobdeck/workflows/control';
import { knownQueues } from '../queues/known';
import type { Services } from '../services';

export interface Check {
  ok: boolean;
  latencyMs: number | null;
  error: string | null;
}

export async function check(probe: () => Promise<unknown>): Promise<Check> {
  const started = Date.now();
  try {
    await withTimeLimit(probe(), 3_000, () => new Error('no answer within 3 s'));
    return { ok: true, latencyMs: Date.now() - started, error: null };
  } catch (error) {
    return { ok: false, latencyMs: null, error: (error as Error).message };
  }
}

/** A queue is served when some worker polled it recently; Temporal keeps pollers for about a minute. */
async function queueWorkers(services: Services, queue: string) {
  const status = await queueStatus(services, queue).catch(() => null);
  const { temporal, config } = services;
  const describe = (taskQueueType: number) =>
    temporal.workflowService.describeTaskQueue({
      namespace: config.temporalNamespace,
      taskQueue: { name: queue, kind: 1 },
      taskQueueType,
    });
  const [workflowPollers, activityPollers] = await Promise.all([describe(1), describe(2)]);
  const identities = new Set(
    [...(workflowPollers.pollers ?? []), ...(activityPollers.pollers ?? [])].map((poller) => poller.identity ?? ''),
  );
  return {
    name: queue,
    workers: identities.size,
    identities: [...identities].filter(Boolean),
    paused: status?.paused ?? false,
    pausedReason: status?.reason ?? null,
  };
}

export async function systemHealth(services: Services) {
  const { db, temporal, redis, events } = services;
  const [temporalCheck, postgres, redisCheck] = await Promise.all([
    check(() => temporal.workflowService.getSystemInfo({})),
    check(() => db.$queryRaw`SELECT 1`),
    redis ? check(() => redis.ping()) : Promise.resolve<Check>({ ok: false, latencyMs: null, error: 'not configured' }),
  ]);
  const names = postgres.ok ? await knownQueues(services) : defaultQueues();
  const queues = temporalCheck.ok
    ? await Promise.all(
        names.map((queue) =>
          queueWorkers(services, queue).catch(() => ({
            name: queue,
            workers: 0,
            identities: [] as string[],
            paused: false,
            pausedReason: null,
          })),
        ),
      )
    : names.map((name) => ({ name, workers: 0, identities: [] as string[], paused: false, pausedReason: null }));
  return {
    temporal: temporalCheck,
    postgres,
    redis: { ...redisCheck, configured: redis !== null, liveUpdates: events.mode === 'redis' && redisCheck.ok },
    queues,
    checkedAt: new Date().toISOString(),
  };
}

/** Live updates need Redis to be reachable now, not merely configured. */
function liveUpdates(services: Services): boolean {
  return services.events.mode === 'redis' && services.redis?.status === 'ready';
}

/** What the dashboard needs to link out: the Temporal UI and namespace. */
export function systemInfo(services: Services) {
  const { config } = services;
  return {
    temporalUiUrl: config.temporalUiUrl,
    temporalAddress: config.temporalAddress,
    namespace: config.temporalNamespace,
    liveUpdates: liveUpdates(services),
  };
}
