import { describe, expect, it } from 'vitest';
import { applyMoves, movesOf, type Stats } from '../../src/lib/count-moves';

// Issue 12: the overview's counts move at once on a job's lifecycle events, until the polled
// counts are newer than the event; a lost event or a wrong guess lasts only until the next poll.

const zero = {
  waiting: 0,
  delayed: 0,
  active: 0,
  retrying: 0,
  completed: 0,
  failed: 0,
  cancelled: 0,
  terminated: 0,
  timed_out: 0,
};
const group = (name: string, buckets: Partial<Stats['types'][number]['buckets']> = {}) => ({
  name,
  counts: { ...zero },
  buckets: { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0, cancelled: 0, ...buckets },
  successRate: null,
  perMinute: 0,
  failedPerMinute: 0,
  superseded: 0,
});
const stats = (updatedAt: string, active = 0) =>
  ({
    types: [group('data.sync', { active }), group('report.generate')],
    queues: [group('sync', { active }), group('reports')],
    updatedAt,
  }) as unknown as Stats;
const event = (lifecycle: 'added' | 'completed' | 'failed', state: string, at: string) => ({
  kind: 'job.updated',
  jobId: 'data.sync-1',
  type: 'data.sync',
  queue: 'sync',
  state,
  lifecycle,
  at,
});

describe('count moves', () => {
  it('an added job counts at once in its type and queue, not elsewhere', () => {
    const moved = applyMoves(
      stats('2026-11-30T00:00:00.000Z'),
      movesOf(event('added', 'waiting', '2026-11-30T00:00:01.000Z'), undefined),
    );
    expect(moved.types[0]!.buckets.waiting).toBe(1);
    expect(moved.types[0]!.counts.waiting).toBe(1);
    expect(moved.queues[0]!.buckets.waiting).toBe(1);
    expect(moved.types[1]!.buckets.waiting).toBe(0);
  });

  it('an ended job leaves the bucket it was last seen in (else active), never below zero', () => {
    const before = stats('2026-11-30T00:00:00.000Z', 1);
    const seenWaiting = applyMoves(
      before,
      movesOf(event('completed', 'completed', '2026-11-30T00:00:02.000Z'), 'waiting'),
    );
    expect(seenWaiting.types[0]!.buckets).toMatchObject({ waiting: 0, active: 1, completed: 1 });
    const unseen = applyMoves(before, movesOf(event('failed', 'failed', '2026-11-30T00:00:02.000Z'), undefined));
    expect(unseen.queues[0]!.buckets).toMatchObject({ active: 0, failed: 1 });
  });

  it('counts from after the event stand alone; events without a lifecycle move nothing', () => {
    const moves = movesOf(event('added', 'waiting', '2026-11-30T00:00:01.000Z'), undefined);
    const later = stats('2026-11-30T00:00:05.000Z');
    expect(applyMoves(later, moves)).toBe(later);
    expect(
      movesOf({ kind: 'job.updated', jobId: 'x', state: 'active', at: '2026-11-30T00:00:01.000Z' }, undefined),
    ).toEqual([]);
  });
});
