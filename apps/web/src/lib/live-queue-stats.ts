import { useState } from 'react';
import { useLiveEvents } from '../live';

/** A queue's figures as the API's `queue.stats` live event carries them (every few seconds). */
export interface LiveQueueStats {
  queue: string;
  backlog: number;
  oldestWaitMs: number | null;
  workers: number;
  paused: boolean;
  at: string;
}

/**
 * The latest `queue.stats` of each queue, newer than `since` (the polled figures' time): what the
 * stream says outranks an older answer, and a newer answer outranks a stream that went quiet.
 * Ask for them with useLiveScope({ kinds: ['queue'] }).
 */
export function useLiveQueueStats(since: string | undefined): ReadonlyMap<string, LiveQueueStats> {
  const [latest, setLatest] = useState<ReadonlyMap<string, LiveQueueStats>>(() => new Map());
  useLiveEvents((event) => {
    if (event.kind !== 'queue.stats') return;
    const stats = event as unknown as LiveQueueStats;
    setLatest((old) => new Map(old).set(stats.queue, stats));
  });
  const after = since ? Date.parse(since) : 0;
  return new Map([...latest].filter(([, stats]) => Date.parse(stats.at) > after));
}
