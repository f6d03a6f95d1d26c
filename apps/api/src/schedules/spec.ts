// Pure validation and naming for schedules: cron expressions, time zones, intervals, overlap
// policies and ids. Unit-tested; no I/O.
import cronstrue from 'cronstrue';
import { z } from 'zod';
import { findJobType, jobTypes, PRIORITIES } from '@jobdeck/workflows';
import { dateTime, jobTimeoutMs, queueName } from '@jobdeck/workflows/control';

const MACROS: Record<string, string> = {
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
    return MACROS[text.toLowerCase()] ? null : `unknown macro ${text}; use one of ${Object.keys(MACROS).join(', ')}`;
  const parts = text.split(/\s+/);
  if (parts.length !== 5)
    return `a cron expression has 5 fields (minute hour day-of-month month day-of-week); "${text}" has ${parts.length}`;
  for (const [index, part] of parts.entries()) {
    const error = fieldError(part, FIELDS[index]!);
    if (error) return error;
  }
  return null;
}

/** "At 03:00 AM", "Every 10 minutes": what a cron expression means, in words. */
export function cronInWords(expression: string): string {
  const text = expression.trim();
  if (cronError(text)) return text;
  try {
    return cronstrue.toString(MACROS[text.toLowerCase()] ?? text, { use24HourTimeFormat: true, verbose: false });
  } catch {
    return text;
  }
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

export function intervalInWords(every: string, offset?: string): string {
  const ms = parseDuration(every);
  if (ms === null) return every;
  return `Every ${every.replace(/(\d+)([smhd])/, (_, n: string, u: string) => `${n} ${{ s: 'second', m: 'minute', h: 'hour', d: 'day' }[u]}${n === '1' ? '' : 's'}`)}${offset && parseDuration(offset) ? ` (offset ${offset})` : ''}`;
}

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
export function overlapToTemporal(policy: OverlapPolicy) {
  return policy.toUpperCase() as
    'SKIP' | 'BUFFER_ONE' | 'BUFFER_ALL' | 'CANCEL_OTHER' | 'TERMINATE_OTHER' | 'ALLOW_ALL';
}
export function overlapFromTemporal(policy: string | undefined): OverlapPolicy {
  const lower = (policy ?? 'SKIP').toLowerCase() as OverlapPolicy;
  return OVERLAP_POLICIES.includes(lower) ? lower : 'skip';
}

/** Readable and stable: "Nightly CRM sync" → "sched-nightly-crm-sync". */
export function scheduleIdFor(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
  return `sched-${slug || 'schedule'}`;
}

export const scheduleId = z
  .string()
  .min(1, 'id is required')
  .max(200)
  .regex(/^[\w.:-]+$/, 'id is a schedule id such as sched-nightly-sync');

const DAY_MS = 86_400_000;

export const cronExpression = z
  .string()
  .max(200)
  .superRefine((value, ctx) => {
    const error = cronError(value);
    if (error) ctx.addIssue({ code: 'custom', message: error });
  });

export const timeZone = z
  .string()
  .trim()
  .max(64)
  .refine(isTimeZone, {
    error: (issue) => `unknown time zone ${JSON.stringify(issue.input)}; use an IANA name such as Europe/Paris or UTC`,
  });

const duration = (what: string) =>
  z
    .string()
    .refine(
      (value) => parseDuration(value) !== null && parseDuration(value)! >= 1_000,
      `${what} is a duration such as 30s, 10m, 6h or 1d`,
    );

export const intervalSpec = z
  .object({ every: duration('every'), offset: duration('offset').optional() })
  .strict()
  .refine((interval) => !interval.offset || parseDuration(interval.offset)! < parseDuration(interval.every)!, {
    message: 'offset must be shorter than every',
    path: ['offset'],
  });

/** Enqueue options that make sense for a recurring job (no delay, no idempotency key). */
export const jobOptions = z
  .object({
    priority: z.enum(PRIORITIES).optional(),
    maxAttempts: z.number().int().min(1).max(100).optional(),
    timeoutMs: jobTimeoutMs.optional(),
    queue: queueName.optional(),
  })
  .strict();
export type JobOptions = z.output<typeof jobOptions>;

const typeNames = jobTypes.map((jobType) => jobType.type);

/** Checks `input` against the job type's own schema; issues carry paths such as input.records. */
export function checkJobInput(type: unknown, input: unknown, ctx: z.RefinementCtx, typePath: PropertyKey[] = ['type']) {
  const jobType = typeof type === 'string' ? findJobType(type) : undefined;
  if (!jobType) {
    ctx.addIssue({ code: 'custom', path: typePath, message: `type must be one of ${typeNames.join(', ')}` });
    return;
  }
  const parsed = jobType.input.safeParse(input ?? {});
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      ctx.addIssue({ code: 'custom', path: ['input', ...issue.path], message: issue.message });
  }
  if (Buffer.byteLength(JSON.stringify(input ?? null)) > 256 * 1024) {
    ctx.addIssue({
      code: 'custom',
      path: ['input'],
      message: 'input is larger than 256 KiB; pass a reference to the data instead',
    });
  }
}

const scheduleShape = {
  name: z.string().trim().min(1, 'name is required').max(100),
  description: z.string().trim().max(1_000).optional(),
  /** Take type, input and options from a template (type/input/options given here win). */
  templateId: z.uuid('templateId is not a template id').optional(),
  type: z.string().max(100).optional(),
  input: z.unknown().optional(),
  options: jobOptions.optional(),
  cron: z.array(cronExpression).max(10).default([]),
  intervals: z.array(intervalSpec).max(10).default([]),
  timezone: timeZone.default('UTC'),
  jitterMs: z.number().int().min(0).max(DAY_MS).default(0),
  startAt: dateTime('startAt').nullish(),
  endAt: dateTime('endAt').nullish(),
  overlap: z.enum(OVERLAP_POLICIES, { error: `overlap must be one of ${OVERLAP_POLICIES.join(', ')}` }).default('skip'),
  catchupWindowMs: z
    .number()
    .int()
    .min(10_000, 'catchupWindowMs is at least 10000 (10 s)')
    .max(365 * DAY_MS)
    .default(10 * 60_000),
  pauseOnFailure: z.boolean().default(false),
};

function refineSchedule(
  value: {
    cron: string[];
    intervals: unknown[];
    startAt?: string | null;
    endAt?: string | null;
    templateId?: string;
    type?: string;
    input?: unknown;
  },
  ctx: z.RefinementCtx,
) {
  if (!value.cron.length && !value.intervals.length) {
    ctx.addIssue({ code: 'custom', path: ['cron'], message: 'give at least one cron expression or interval' });
  }
  if (value.startAt && value.endAt && Date.parse(value.endAt) <= Date.parse(value.startAt)) {
    ctx.addIssue({ code: 'custom', path: ['endAt'], message: 'endAt must be after startAt' });
  }
  if (value.type !== undefined || !value.templateId) checkJobInput(value.type, value.input, ctx);
}

export const scheduleCreate = z
  .object({ ...scheduleShape, paused: z.boolean().default(false), note: z.string().trim().max(500).optional() })
  .strict()
  .superRefine(refineSchedule);
export type ScheduleCreate = z.output<typeof scheduleCreate>;

export const scheduleUpdate = z
  .object({ id: scheduleId, ...scheduleShape })
  .strict()
  .superRefine(refineSchedule);
export type ScheduleUpdate = z.output<typeof scheduleUpdate>;

/** What the dashboard's form asks before saving: each expression and the zone, checked and described. */
export const specCheck = z
  .object({
    cron: z.array(z.string().max(200)).max(10).default([]),
    intervals: z
      .array(z.object({ every: z.string().max(20), offset: z.string().max(20).optional() }).strict())
      .max(10)
      .default([]),
    timezone: z.string().max(64).default('UTC'),
  })
  .strict();

export function checkSpec(input: z.output<typeof specCheck>) {
  return {
    cron: input.cron.map((expression) => {
      const error = cronError(expression);
      return { expression, valid: !error, error, description: error ? null : cronInWords(expression) };
    }),
    intervals: input.intervals.map((interval) => {
      const result = intervalSpec.safeParse(interval);
      return {
        ...interval,
        valid: result.success,
        error: result.success ? null : result.error.issues.map((issue) => issue.message).join('; '),
        description: result.success ? intervalInWords(interval.every, interval.offset) : null,
      };
    }),
    timezone: {
      name: input.timezone,
      valid: isTimeZone(input.timezone),
      error: isTimeZone(input.timezone) ? null : `unknown time zone ${JSON.stringify(input.timezone)}`,
    },
  };
}
