import { useEffect, useState } from 'react';
import { dateTime, relativeTime } from '../lib/format';

/** Re-renders every 15 s, so "just now" does not stay "just now". */
function useTick(intervalMs = 15_000): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((tick) => tick + 1), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
}

/**
 * A time relative to the moment of rendering, not to the last tick: a time newer than the tick (a
 * heartbeat that just arrived) would otherwise read "in 7 sec.". `past` for what has happened.
 */
export function RelativeTime({ iso, past = false }: { iso: string | null | undefined; past?: boolean }) {
  useTick();
  if (!iso) return <span className="muted">—</span>;
  return (
    <time dateTime={iso} title={dateTime(iso)}>
      {relativeTime(iso, Date.now(), { past })}
    </time>
  );
}
