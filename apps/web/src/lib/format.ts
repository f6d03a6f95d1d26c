const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto', style: 'short' });

/**
 * "12 s ago", "in 3 min": for times near now. `past` marks something that has happened (a heartbeat,
 * an update): the server's clock may run a little ahead of the browser's, and such a time is "just
 * now" rather than "in 7 sec.".
 */
export function relativeTime(
  iso: string | null | undefined,
  now = Date.now(),
  { past = false }: { past?: boolean } = {},
): string {
  if (!iso) return '—';
  const parsed = Date.parse(iso) - now;
  if (Number.isNaN(parsed)) return '—';
  const ms = past ? Math.min(parsed, 0) : parsed;
  const abs = Math.abs(ms);
  if (abs < 5_000) return 'just now';
  if (abs < 60_000) return relative.format(Math.round(ms / 1000), 'second');
  if (abs < 3_600_000) return relative.format(Math.round(ms / 60_000), 'minute');
  if (abs < 86_400_000) return relative.format(Math.round(ms / 3_600_000), 'hour');
  return relative.format(Math.round(ms / 86_400_000), 'day');
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : date.toLocaleString();
}

export function clockTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : date.toLocaleTimeString();
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}

export function between(from: string | null | undefined, to: string | null | undefined): number | null {
  if (!from || !to) return null;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isNaN(ms) ? null : ms;
}

export function percent(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined) return '—';
  return `${(value * 100).toFixed(digits)}%`;
}

export function rate(perMinute: number): string {
  if (!perMinute) return '0';
  return perMinute < 10 ? perMinute.toFixed(1) : Math.round(perMinute).toString();
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? 'null';
}

/** "1 job", "3 jobs". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** JSON typed into a form: the value, or what is wrong with it in words. */
export function parseJsonInput(
  text: string,
): { value: unknown; error?: undefined } | { value?: undefined; error: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { error: `input: not valid JSON (${(error as Error).message})` };
  }
}

/** "1.2 MB": sizes of memory and tables, in powers of 1024. */
export function bytes(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let size = Math.abs(value);
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit++;
  }
  return `${value < 0 ? '-' : ''}${size < 10 && unit ? size.toFixed(1) : Math.round(size)} ${units[unit]}`;
}

/** "~3 min left", "<1 min left": a time remaining, as rough as an estimate is. */
export function remaining(ms: number): string {
  if (ms < 60_000) return '<1 min left';
  if (ms < 3_600_000) return `~${Math.round(ms / 60_000)} min left`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.round((ms % 3_600_000) / 60_000);
  return `~${hours} h${minutes ? ` ${minutes} min` : ''} left`;
}

/** A figure that may be fractional: "0", "0.35", "4.2", "120". */
export function figure(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (Number.isInteger(value)) return value.toLocaleString('en');
  if (Math.abs(value) < 1) return value.toFixed(2);
  return Math.abs(value) < 10 ? value.toFixed(1) : Math.round(value).toLocaleString('en');
}
