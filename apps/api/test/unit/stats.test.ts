import { describe, expect, it } from 'vitest';
import { stateCounts, statGroup, throughputOf, throughputSince, type ThroughputRow } from '../../src/jobs/stats';
import { listedState } from '../../src/jobs/summary';

const now = new Date('2026-11-29T10:07:30.000Z');
const row = (minute: string, outcome: ThroughputRow['outcome'], count: number): ThroughputRow => ({
  minute: new Date(minute),
  type: 'data.sync',
  queue: 'sync',
  outcome,
  count,
});

describe('throughput from the rollup', () => {
  it('reads from the oldest minute that overlaps the five-minute window', () => {
    expect(throughputSince(now).toISOString()).toBe('2026-11-29T10:02:00.000Z');
  });

  it('counts whole minutes inside the window, and the oldest one for its part inside', () => {
    const rows = [
      row('2026-11-29T10:02:00Z', 'completed', 60), // half of it is older than five minutes
      row('2026-11-29T10:03:00Z', 'completed', 10),
      row('2026-11-29T10:07:00Z', 'completed', 20),
      row('2026-11-29T10:05:00Z', 'failed', 3),
      row('2026-11-29T10:05:00Z', 'timed_out', 1),
      row('2026-11-29T10:05:00Z', 'terminated', 1),
      row('2026-11-29T10:06:00Z', 'cancelled', 50),
    ];
    expect(throughputOf(rows, now)).toEqual({ perMinute: (30 + 10 + 20) / 5, failedPerMinute: 5 / 5 });
  });

  it('counts nothing older than the window', () => {
    expect(throughputOf([row('2026-11-29T10:01:00Z', 'completed', 100)], now)).toEqual({
      perMinute: 0,
      failedPerMinute: 0,
    });
  });
});

describe('counts', () => {
  it('adds up the counter rows of a group, every state present', () => {
    const counts = stateCounts([
      { state: 'completed', count: 40n },
      { state: 'completed', count: 2n },
      { state: 'active', count: 3 },
      { state: 'timed_out', count: 1n },
    ]);
    expect(counts).toEqual({
      waiting: 0,
      delayed: 0,
      active: 3,
      retrying: 0,
      completed: 42,
      failed: 0,
      cancelled: 0,
      terminated: 0,
      timed_out: 1,
    });
  });

  it('keeps the shape the dashboard reads', () => {
    const group = statGroup(
      { name: 'sync' },
      stateCounts([
        { state: 'waiting', count: 2 },
        { state: 'delayed', count: 1 },
        { state: 'active', count: 3 },
        { state: 'retrying', count: 1 },
        { state: 'completed', count: 8 },
        { state: 'failed', count: 1 },
        { state: 'cancelled', count: 1 },
        { state: 'timed_out', count: 1 },
      ]),
      { perMinute: 1.2, failedPerMinute: 0.2 },
    );
    expect(Object.keys(group.counts)).toEqual([
      'waiting',
      'delayed',
      'active',
      'retrying',
      'completed',
      'failed',
      'cancelled',
      'terminated',
      'timed_out',
    ]);
    expect(group.buckets).toEqual({ waiting: 2, active: 3, delayed: 2, completed: 8, failed: 2, cancelled: 1 });
    expect(group.successRate).toBeCloseTo(0.8);
    expect(group).toMatchObject({ name: 'sync', perMinute: 1.2, failedPerMinute: 0.2 });
  });
});

describe('a listed job', () => {
  const running = { status: 'RUNNING' as const, jobState: 'waiting', executionTime: null, startTime: null };
  it("shows the record's active or retrying while Temporal has not upserted it yet", () => {
    expect(listedState(running, 'active')).toBe('active');
    expect(listedState(running, 'retrying')).toBe('retrying');
    expect(listedState(running, 'waiting')).toBe('waiting');
    expect(listedState(running, undefined)).toBe('waiting');
  });

  it('goes by Temporal whenever Temporal says more than waiting', () => {
    expect(listedState({ ...running, jobState: 'retrying' }, 'active')).toBe('retrying');
    expect(listedState({ ...running, status: 'COMPLETED' }, 'active')).toBe('completed');
    expect(listedState({ ...running, jobState: 'delayed', executionTime: '2999-01-01T00:00:00Z' }, 'active')).toBe(
      'delayed',
    );
    // Waiting for a rate-limit slot: no start delay, and the workflow says delayed.
    const started = '2026-01-01T00:00:00.000Z';
    expect(
      listedState({ ...running, jobState: 'delayed', executionTime: started, startTime: started }, 'waiting'),
    ).toBe('delayed');
  });
});
