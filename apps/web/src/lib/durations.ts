/**
 * Durations as people type them: "90s", "5m", "1h30m", "2 d", "250ms"; a bare number is seconds.
 * `formatDuration` writes the compact form `parseDuration` reads back, which the URL keeps.
 */
const UNITS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  sec: 1_000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
};

const PART = /(\d+(?:\.\d+)?)\s*(ms|s|sec|min|m|hr|h|days|day|d)?/gy;

/** Milliseconds, or null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const source = text.trim().toLowerCase();
  if (!source) return null;
  if (/^\d+(\.\d+)?$/.test(source)) return Math.round(Number(source) * 1_000);
  let total = 0;
  let index = 0;
  let parts = 0;
  while (index < source.length) {
    if (source[index] === ' ') {
      index++;
      continue;
    }
    PART.lastIndex = index;
    const match = PART.exec(source);
    if (!match || !match[2]) return null;
    total += Number(match[1]) * UNITS[match[2]]!;
    index = PART.lastIndex;
    parts++;
  }
  return parts ? Math.round(total) : null;
}

/** "1h30m", "45s", "250ms", "0s": compact, exact, and readable by parseDuration. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.round(ms);
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
    ['ms', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('');
}
