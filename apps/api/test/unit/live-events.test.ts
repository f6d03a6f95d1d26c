import { describe, expect, it } from 'vitest';
import type { BusEvent, SystemEvent } from '@jobdeck/workflows';
import { createLiveDispatcher } from '../../src/live/dispatcher';
import type { LiveConnection, LiveMessage } from '../../src/live/connection';
import { subscribeInput, toSelector } from '../../src/live/selector';
import { healthFlips } from '../../src/live/system-feed';

// Issue 12: queue, health and alert events reach the streams that ask for them, narrowed like job events.

const at = () => new Date().toISOString();
const select = (input: unknown) => toSelector(subscribeInput.parse(input));

function fakeBus() {
  const listeners = new Set<(event: BusEvent) => void>();
  return {
    subscribe(listener: (event: BusEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit: (event: BusEvent) => listeners.forEach((listener) => listener(event)),
  };
}

async function drain(connection: LiveConnection, ms: number): Promise<LiveMessage[]> {
  const messages: LiveMessage[] = [];
  const stop = AbortSignal.timeout(ms);
  try {
    for (;;) messages.push(...(await connection.next(stop)));
  } catch (error) {
    if ((error as Error).name !== 'AbortError') throw error;
  }
  return messages;
}

const paused = (queue: string): SystemEvent => ({ kind: 'queue.paused', queue, by: 'ops', reason: 'deploy', at: at() });
const stats = (queue: string): SystemEvent => ({
  kind: 'queue.stats',
  queue,
  backlog: 3,
  oldestWaitMs: 1200,
  workers: 1,
  paused: false,
  at: at(),
});
const health: SystemEvent = { kind: 'system.health', component: 'redis', ok: false, detail: 'gone', at: at() };
const alert = (subject: string, where: { queue?: string; type?: string } = {}): SystemEvent => ({
  kind: 'alert.fired',
  firingId: `f-${subject}`,
  ruleId: 'r1',
  ruleName: 'backlog',
  ruleKind: 'queue_backlog',
  severity: 'high',
  subject,
  message: `token=abc123secret in ${subject}`,
  ...where,
  at: at(),
});

const label = (message: LiveMessage) => {
  const event = message as { kind: string; queue?: string; subject?: string; component?: string; jobId?: string };
  return `${event.kind}:${event.jobId ?? event.subject ?? event.queue ?? event.component}`;
};

describe('subscribe kinds', () => {
  it('accepts the new classes and keeps job classes the default', () => {
    expect(subscribeInput.safeParse({ kinds: ['queue', 'health', 'alert', 'state'] }).success).toBe(true);
    expect(subscribeInput.safeParse({ kinds: ['alerts'] }).success).toBe(false);
    expect([...select({}).watch!.kinds].sort()).toEqual(['log', 'progress', 'state']);
    expect(select({ jobId: 'data.sync-1' }).watch).toBeNull();
  });
});

describe('the dispatcher routes system events', () => {
  it('by class and narrowing: queue events by queue, alerts by queue/type, health to every asker', async () => {
    const bus = fakeBus();
    const dispatcher = createLiveDispatcher({ bus, connection: { windowMs: 10 } });
    const streams = {
      everythingJob: dispatcher.open(select({})),
      follower: dispatcher.open(select({ jobId: 'data.sync-1' })),
      queues: dispatcher.open(select({ kinds: ['queue'] })),
      syncQueue: dispatcher.open(select({ queue: 'sync', kinds: ['queue', 'alert', 'health'] })),
      reportsType: dispatcher.open(select({ type: 'report.generate', kinds: ['queue', 'alert', 'health'] })),
      bell: dispatcher.open(select({ kinds: ['alert'] })),
      followerWithAlerts: dispatcher.open(select({ jobId: 'data.sync-1', kinds: ['alert'] })),
    };
    expect(dispatcher.wants('queue')).toBe(3);
    expect(dispatcher.wants('health')).toBe(2);
    expect(dispatcher.wants('alert')).toBe(4);

    bus.emit(paused('sync'));
    bus.emit(paused('reports'));
    bus.emit(stats('sync'));
    bus.emit(health);
    bus.emit(alert('global'));
    bus.emit(alert('q-sync', { queue: 'sync' }));
    bus.emit(alert('t-report', { type: 'report.generate' }));
    bus.emit({
      kind: 'job.updated',
      jobId: 'data.sync-1',
      queue: 'sync',
      type: 'data.sync',
      state: 'active',
      at: at(),
    });

    const got = Object.fromEntries(
      await Promise.all(
        Object.entries(streams).map(async ([name, stream]) => [name, (await drain(stream, 100)).map(label)] as const),
      ),
    );
    expect(got).toEqual({
      everythingJob: ['job.updated:data.sync-1'],
      follower: ['job.updated:data.sync-1'],
      queues: ['queue.paused:sync', 'queue.paused:reports', 'queue.stats:sync'],
      syncQueue: ['queue.paused:sync', 'queue.stats:sync', 'system.health:redis', 'alert.fired:q-sync'],
      reportsType: ['system.health:redis', 'alert.fired:t-report'],
      bell: ['alert.fired:global', 'alert.fired:q-sync', 'alert.fired:t-report'],
      followerWithAlerts: [
        'alert.fired:global',
        'alert.fired:q-sync',
        'alert.fired:t-report',
        'job.updated:data.sync-1',
      ],
    });
    dispatcher.close();
    expect(dispatcher.wants('alert')).toBe(0);
  });

  it('redacts system events as it does job events', async () => {
    const bus = fakeBus();
    const dispatcher = createLiveDispatcher({ bus, connection: { windowMs: 10 } });
    const bell = dispatcher.open(select({ kinds: ['alert'] }));
    bus.emit(alert('x'));
    const [event] = await drain(bell, 60);
    expect(JSON.stringify(event)).not.toContain('abc123secret');
    dispatcher.close();
  });
});

describe('health flips', () => {
  const ok = { ok: true, latencyMs: 1, error: null };
  const down = { ok: false, latencyMs: null, error: 'connect ECONNREFUSED 127.0.0.1:6379' };
  it('are told once per change, never for a first sighting', () => {
    expect(healthFlips({}, { redis: down, postgres: ok }, 'now')).toEqual([]);
    expect(healthFlips({ redis: ok, postgres: ok }, { redis: down, postgres: ok }, 'now')).toEqual([
      { kind: 'system.health', component: 'redis', ok: false, detail: down.error, at: 'now' },
    ]);
    expect(healthFlips({ redis: down }, { redis: down }, 'now')).toEqual([]);
    expect(healthFlips({ redis: down, temporal: ok }, { redis: ok, temporal: down }, 'now')).toEqual([
      { kind: 'system.health', component: 'temporal', ok: false, detail: down.error, at: 'now' },
      { kind: 'system.health', component: 'redis', ok: true, detail: null, at: 'now' },
    ]);
  });
});
