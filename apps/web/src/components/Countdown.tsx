import { useEffect, useState } from 'react';
import { dateTime } from '../lib/format';

/** "in 4 min 12 s", ticking every second; the exact time in the user's zone as a tooltip. */
export function countdown(iso: string, now: number): string {
  const ms = Date.parse(iso) - now;
  if (Number.isNaN(ms)) return '—';
  if (ms <= 0) return 'due now';
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3_600);
  const m = Math.floor((s % 3_600) / 60);
  const sec = s % 60;
  if (d) return `in ${d} d ${h} h`;
  if (h) return `in ${h} h ${m} min`;
  if (m) return `in ${m} min ${sec} s`;
  return `in ${sec} s`;
}

export function Countdown({ iso, testId }: { iso: string | null | undefined; testId?: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  if (!iso) return <span className="muted">—</span>;
  return (
    <time dateTime={iso} title={dateTime(iso)} data-testid={testId}>
      {countdown(iso, now)}
    </time>
  );
}
