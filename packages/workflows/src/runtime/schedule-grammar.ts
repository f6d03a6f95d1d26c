// The grammar of a schedule's spec as Temporal reads it: cron expressions, time zones, durations and
// overlap policies. Pure (no I/O, no dependencies): job definitions check their built-in schedule
// with it (define-job.ts), and the API its schedules (apps/api/src/schedules), so both accept the same.

/** Temporal's overlap policies, in the spelling of the API. */
export const OVERLAP_POLICIES = [
  'skip',
  'buffer_one',
  'buffer_all',
  'cancel_other',
  'terminate_other',
  'allow_all',
] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

/** Cron macros and the five fields each stands for. */
export const CRON_MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES },
  { name: 'day of week', min: 0, max: 6, names: DAY_NAMES },
] as const;

function fieldValue(raw: string, field: (typeof FIELDS)[number]): number | null {
  const names = 'names' in field ? field.names : undefined;
  if (names) {
    const index = (names as readonly string[]).indexOf(raw.toUpperCase());
    if (index >= 0) return index + field.min;
  }
  if (!/^\d+$/.test(raw)) return null;
  const value = Number(raw);
  return value >= field.min && value <= field.max ? value : null;
}

/** Why a cron field is wrong, or null when it is fine. */
function fieldError(text: string, field: (typeof FIELDS)[number]): string | null {
  for (const part of text.split(',')) {
    const [range, step, ...extra] = part.split('/');
    if (extra.length || range === undefined || range === '') return `${field.name} "${text}" is not a valid cron field`;
    if (step !== undefined && (!/^\d+$/.test(step) || Number(step) < 1))
      return `${field.name} step "${step}" must be a whole number of at least 1`;
    if (range === '*') continue;
    const [from, to, ...more] = range.split('-');
    if (more.length) return `${field.name} "${part}" is not a valid range`;
    const start = fieldValue(from!, field);
    if (start === null) return `${field.name} "${from}" is out of range ${field.min}-${field.max}`;
    if (to !== undefined) {
      const end = fieldValue(to, field);
      if (end === null) return `${field.name} "${to}" is out of range ${field.min}-${field.max}`;
      if (end < start) return `${field.name} range "${part}" ends before it starts`;
    }
  }
  return null;
}

/**
 * Checks a cron expression as Temporal reads it: five fields (minute hour day-of-month month
 * day-of-week) with lists, ranges, steps and names, or a macro such as @daily. Null when valid.
 */
export function cronError(expression: string): string | null {
  const text = expression.trim();
  if (!text) return 'cron expression is empty';
  if (text.startsWith('@every')) return 'use an interval (e.g. {"every": "10m"}) instead of @every';
  if (/^CRON_TZ=|^TZ=/i.test(text)) return 'give the time zone in the timezone field, not in the expression';
  if (text.startsWith('@'))
    return CRON_MACROS[text.toLowerCase()]
      ? null
      : `unknown macro ${text}; use one of ${Object.keys(CRON_MACROS).join(', ')}`;
  const parts = text.split(/\s+/);
  if (parts.length !== 5)
    return `a cron expression has 5 fields (minute hour day-of-month month day-of-week); "${text}" has ${parts.length}`;
  for (const [index, part] of parts.entries()) {
    const error = fieldError(part, FIELDS[index]!);
    if (error) return error;
  }
  return null;
}

/** Whether the runtime (and so Temporal, which uses the same IANA database) knows this zone. */
export function isTimeZone(zone: string): boolean {
  if (!zone || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "10m", "6h", "1d" → milliseconds; null when not such a duration. */
export function parseDuration(text: string): number | null {
  const match = /^(\d{1,6})\s*(s|m|h|d)$/.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * UNITS[match[2]!]!;
}

/** Milliseconds → the largest whole unit: 600000 → "10m". */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm'] as const)
    if (ms >= UNITS[unit]! && ms % UNITS[unit]! === 0) return `${ms / UNITS[unit]!}${unit}`;
  return `${Math.round(ms / 1000)}s`;
}
