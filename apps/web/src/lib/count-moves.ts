import type { RouterOutputs } from '../trpc';

/**
 * How a job's lifecycle event moves the overview's counts (see live-counts.ts): pure, so that it is
 * tested without a browser.
 */

export type Stats = RouterOutputs['jobs']['stats'];
type Group = Stats['types'][number];
type Bucket = keyof Group['buckets'];

/** The part of a live event that moves counts (a `job.updated` may carry `lifecycle`). */
export interface CountedEvent {
  kind: string;
  jobId?: string;
  type?: string;
  queue?: string;
  state?: string;
  lifecycle?: 'added' | 'completed' | 'failed';
  at: string;
}

export interface Move {
  at: number;
  type: string | null;
  queue: string | null;
  state: string;
  bucket: Bucket;
  delta: 1 | -1;
}

/** As the API buckets states (apps/api/src/jobs/state.ts). */
export function bucketOfState(state: string): Bucket {
  if (state === 'retrying') return 'delayed';
  if (state === 'timed_out' || state === 'terminated') return 'failed';
  return state as Bucket;
}

/** The counts with the moves newer than them applied (never below zero). */
export function applyMoves(stats: Stats, moves: readonly Move[]): Stats {
  const since = Date.parse(stats.updatedAt);
  const pending = moves.filter((move) => move.at > since);
  if (!pending.length) return stats;
  const moved = (group: Group, by: 'type' | 'queue'): Group => {
    const mine = pending.filter((move) => move[by] === group.name);
    if (!mine.length) return group;
    const buckets = { ...group.buckets };
    const counts = { ...group.counts };
    for (const move of mine) {
      buckets[move.bucket] = Math.max(0, buckets[move.bucket] + move.delta);
      const state = move.state as keyof typeof counts;
      if (state in counts) counts[state] = Math.max(0, counts[state] + move.delta);
    }
    return { ...group, buckets, counts };
  };
  return {
    ...stats,
    types: stats.types.map((group) => moved(group, 'type')),
    queues: stats.queues.map((group) => moved(group, 'queue')),
  };
}

/** The moves one lifecycle event makes, given the bucket this page last saw the job in (if it did). */
export function movesOf(event: CountedEvent, lastState: string | undefined, now = Date.now()): Move[] {
  if (event.kind !== 'job.updated' || !event.lifecycle || !event.state) return [];
  // The event's time, as the API's clocks tell it: compared with when the server counted (stats.updatedAt).
  const where = { at: Date.parse(event.at) || now, type: event.type ?? null, queue: event.queue ?? null };
  const into: Move = { ...where, state: event.state, bucket: bucketOfState(event.state), delta: 1 };
  if (event.lifecycle === 'added') return [into];
  // A job ends from where this page saw it last, else (most often) from active.
  const from = lastState ?? 'active';
  return [{ ...where, state: from, bucket: bucketOfState(from), delta: -1 }, into];
}
