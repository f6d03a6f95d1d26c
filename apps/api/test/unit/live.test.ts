import { describe, expect, it } from 'vitest';
import type { JobEvent } from '@jobdeck/workflows';
import { createLiveDispatcher } from '../../src/live/dispatcher';
import { LiveConnection, type LiveMessage } from '../../src/live/connection';
import { subscribeInput, toSelector, typeFromJobId } from '../../src/live/selector';

const at = () => new Date().toISOString();
const progress = (jobId: string, percent: number, extra: Partial<JobEvent> = {}): JobEvent =>
  ({ kind: 'job.updated', jobId, progress: { percent }, at: at(), ...extra }) as JobEvent;
const state = (jobId: string, value: 'active' | 'completed', extra: Partial<JobEvent> = {}): JobEvent =>
  ({ kind: 'job.updated', jobId, state: value, at: at(), ...extra }) as JobEvent;
const log = (jobId: string): JobEvent => ({ kind: 'job.log', jobId, level: 'info', message: 'hello', at: at() });

function fakeBus() {
  const listeners = new Set<(event: JobEvent) => void>();
  return {
    subscribe(listener: (event: JobEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit: (event: JobEvent) => listeners.forEach((listener) => listener(event)),
  };
}

/** Everything a connection hands out within `ms`. */
async function drain(connection: LiveConnection, ms: number): Promise<LiveMessage[][]> {
  const batches: LiveMessage[][] = [];
  const stop = AbortSignal.timeout(ms);
  try {
    for (;;) batches.push(await connection.next(stop));
  } catch (error) {
    if ((error as Error).name !== 'AbortError') throw error;
  }
  return batches;
}

const select = (input: unknown) => toSelector(subscribeInput.parse(input));

describe('subscribe input', () => {
  it('refuses unknown keys, unknown types, bad ids and too many ids', () => {
    expect(subscribeInput.safeParse({ queues: ['sync'] }).success).toBe(false);
    expect(subscribeInput.safeParse({ type: 'no.such-type' }).success).toBe(false);
    expect(subscribeInput.safeParse({ jobId: 'a b' }).success).toBe(false);
    expect(subscribeInput.safeParse({ jobIds: Array.from({ length: 201 }, (_, i) => `data.sync-${i}`) }).success).toBe(
      false,
    );
    expect(subscribeInput.safeParse({ kinds: ['progress', 'everything'] }).success).toBe(false);
    expect(
      subscribeInput.safeParse({
        jobIds: ['data.sync-1'],
        queue: 'sync',
        type: 'data.sync',
        kinds: ['state'],
        batch: true,
      }).success,
    ).toBe(true);
    expect(subscribeInput.parse(undefined)).toEqual({});
  });

  it('reads the type from a job id, the longest known type first', () => {
    expect(typeFromJobId('data.sync-20261127-101500-a1b2c3')).toBe('data.sync');
    expect(typeFromJobId('maintenance.stuck-check-sched-x-2026')).toBe('maintenance.stuck-check');
    expect(typeFromJobId('nothing-here')).toBeNull();
  });
});

describe('a connection', () => {
  it('sends the first event at once, then at most one batch per window, progress coalesced to the latest', async () => {
    const connection = new LiveConnection(select({}), { windowMs: 80 });
    const t0 = performance.now();
    connection.push(progress('j1', 10));
    const first = await connection.next();
    expect(performance.now() - t0).toBeLessThan(40);
    expect(first).toHaveLength(1);
    for (let percent = 20; percent <= 90; percent += 10) connection.push(progress('j1', percent));
    connection.push(log('j1'));
    connection.push(progress('j2', 5));
    connection.push(progress('j1', 95));
    const second = await connection.next();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(75);
    expect(second.map((m) => (m.kind === 'job.updated' ? `${m.jobId}:${m.progress?.percent}` : m.kind))).toEqual([
      'job.log',
      'j2:5',
      'j1:95',
    ]);
    expect(connection.counts.coalesced).toBe(8);
    connection.close();
  });

  it('keeps state changes, and a state change with progress supersedes waiting progress', async () => {
    const connection = new LiveConnection(select({}), { windowMs: 30 });
    connection.push(progress('j1', 1));
    await connection.next();
    connection.push(progress('j1', 50));
    connection.push(state('j1', 'completed', { progress: { percent: 100 } } as never));
    connection.push(state('j2', 'active'));
    const batch = await connection.next();
    expect(
      batch.map((m) =>
        m.kind === 'job.updated' ? `${m.jobId}:${m.state ?? ''}:${m.progress?.percent ?? ''}` : m.kind,
      ),
    ).toEqual(['j1:completed:100', 'j2:active:']);
    connection.close();
  });

  it('replaces what a reader too far behind missed with one live.dropped notice', async () => {
    const connection = new LiveConnection(select({}), { windowMs: 10, maxPending: 5 });
    for (let i = 0; i < 8; i++) connection.push(log(`j${i}`));
    const batch = await connection.next();
    expect(batch[0]).toMatchObject({ kind: 'live.dropped', count: 6 });
    expect(batch.length).toBe(3);
    connection.close();
  });

  it('rejects a waiting reader when closed or aborted', async () => {
    const connection = new LiveConnection(select({}));
    const waiting = connection.next();
    connection.close();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('the dispatcher', () => {
  it('subscribes once to the bus and hands each stream only what it asked for', async () => {
    const bus = fakeBus();
    let subscriptions = 0;
    const lookups: string[] = [];
    const dispatcher = createLiveDispatcher({
      bus: { subscribe: (listener) => (subscriptions++, bus.subscribe(listener)) },
      lookupJob: async (id) => (
        lookups.push(id),
        { type: typeFromJobId(id), queue: id.startsWith('report') ? 'reports' : 'sync' }
      ),
      connection: { windowMs: 20 },
    });
    const all = dispatcher.open(select({}));
    const one = dispatcher.open(select({ jobId: 'data.sync-1' }));
    const ids = dispatcher.open(select({ jobIds: ['data.sync-1', 'data.sync-2'] }));
    const byType = dispatcher.open(select({ type: 'data.sync' }));
    const byQueue = dispatcher.open(select({ queue: 'sync' }));
    const states = dispatcher.open(select({ kinds: ['state'] }));
    const rowsAndStates = dispatcher.open(select({ jobIds: ['data.sync-1'], queue: 'reports', kinds: ['state'] }));
    expect(subscriptions).toBe(1);

    bus.emit(progress('data.sync-1', 10, { queue: 'sync', type: 'data.sync' }));
    bus.emit(progress('data.sync-2', 10));
    bus.emit(state('report.generate-3', 'active'));
    bus.emit(log('report.generate-3'));
    bus.emit(progress('report.generate-3', 50));
    const received = await Promise.all(
      [all, one, ids, byType, byQueue, states, rowsAndStates].map((c) => drain(c, 150)),
    );
    const summary = received.map((batches) =>
      batches
        .flat()
        .map(
          (m) =>
            `${(m as JobEvent).jobId}/${m.kind === 'job.log' ? 'log' : ((m as { state?: string }).state ?? 'progress')}`,
        ),
    );
    expect(summary).toEqual([
      [
        'data.sync-1/progress',
        'data.sync-2/progress',
        'report.generate-3/active',
        'report.generate-3/log',
        'report.generate-3/progress',
      ],
      ['data.sync-1/progress'],
      ['data.sync-1/progress', 'data.sync-2/progress'],
      ['data.sync-1/progress', 'data.sync-2/progress'],
      ['data.sync-1/progress', 'data.sync-2/progress'],
      ['report.generate-3/active'],
      ['data.sync-1/progress', 'report.generate-3/active'],
    ]);
    // data.sync-1 said where it runs; the others were looked up once each (a stream is narrowed by queue).
    expect(lookups.sort()).toEqual(['data.sync-2', 'report.generate-3']);
    expect(dispatcher.stats().open).toBe(7);
    dispatcher.close();
    expect(dispatcher.size).toBe(0);
  });

  it('notifies every stream whatever it asked for', async () => {
    const bus = fakeBus();
    const dispatcher = createLiveDispatcher({ bus });
    const narrow = dispatcher.open(select({ jobId: 'data.sync-9' }));
    dispatcher.notifyAll({ kind: 'live.bus', at: at(), mode: 'polling' });
    expect(await narrow.next()).toEqual([expect.objectContaining({ kind: 'live.bus', mode: 'polling' })]);
    dispatcher.close();
  });
});
