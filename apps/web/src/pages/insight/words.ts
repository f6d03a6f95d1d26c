// The Insight page's figures in words: pure, tested in apps/web/test/unit/insight-words.test.ts.

/** "15 minutes", "hour", "day". */
export function bucketWords(ms: number): string {
  if (ms % 86_400_000 === 0) return ms === 86_400_000 ? 'day' : `${ms / 86_400_000} days`;
  if (ms % 3_600_000 === 0) return ms === 3_600_000 ? 'hour' : `${ms / 3_600_000} hours`;
  return ms === 60_000 ? 'minute' : `${Math.round(ms / 60_000)} minutes`;
}

/**
 * "+12 %" of a relative change, "+3.0 pp" of a rate's change in percentage points (the API gives
 * them as fractions: 0.12, 0.03). No change with a direction is a rise from nothing: "from 0".
 */
export function changeText(change: number | null, unit: 'relative' | 'points', direction?: string): string {
  if (change === null) return direction && direction !== 'unknown' ? 'from 0' : 'no previous data';
  const sign = change > 0 ? '+' : change < 0 ? '−' : '±';
  const size = Math.abs(change) * 100;
  return unit === 'points'
    ? `${sign}${size.toFixed(1)} pp`
    : `${sign}${size < 10 ? size.toFixed(1) : Math.round(size)} %`;
}
