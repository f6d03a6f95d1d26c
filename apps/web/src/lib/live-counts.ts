import { useEffect, useMemo, useRef, useState } from 'react';
import { useLiveEvents } from '../live';
import { applyMoves, movesOf, type Move, type Stats } from './count-moves';

/**
 * The overview's counts, moved at once by a job's lifecycle events (added, completed, failed) rather
 * than at the next poll. Each move is kept beside the polled counts, not written into them, and
 * counts only while the polled figures are older than the event: once the server has counted the
 * job, its answer stands alone. A lost event therefore costs nothing but the wait for the poll, and a
 * guess (which bucket a job left) is corrected by the next answer.
 */

/** A move older than this is the server's to count: dropped even if no answer came meanwhile. */
const MOVE_TTL_MS = 60_000;
const MAX_MOVES = 2_000;
const MAX_SEEN = 5_000;

export function useLiveCounts(stats: Stats | undefined): Stats | undefined {
  const [moves, setMoves] = useState<readonly Move[]>([]);
  /** Per job, the last state its events said, and the lifecycle moments already applied (told twice: once). */
  const seen = useRef(new Map<string, { state?: string; applied: Set<string> }>());

  useLiveEvents((event) => {
    if (event.kind !== 'job.updated' || !event.jobId) return;
    const known = seen.current.get(event.jobId) ?? { applied: new Set<string>() };
    if (event.lifecycle && !known.applied.has(event.lifecycle)) {
      known.applied.add(event.lifecycle);
      const next = movesOf(event, known.state);
      const cutoff = Date.now() - MOVE_TTL_MS;
      setMoves((old) => [...old.filter((move) => move.at > cutoff), ...next].slice(-MAX_MOVES));
    }
    if (event.state) known.state = event.state;
    seen.current.delete(event.jobId);
    seen.current.set(event.jobId, known);
    if (seen.current.size > MAX_SEEN) seen.current.delete(seen.current.keys().next().value!);
  });

  // Moves the server has counted since are dropped, so that the list stays short.
  const updatedAt = stats?.updatedAt;
  useEffect(() => {
    if (!updatedAt) return;
    const since = Date.parse(updatedAt);
    setMoves((old) => (old.some((move) => move.at <= since) ? old.filter((move) => move.at > since) : old));
  }, [updatedAt]);

  return useMemo(() => (stats ? applyMoves(stats, moves) : stats), [stats, moves]);
}
