// Pure validation and naming for schedules: the input schemas, overlap policies and ids (cron
// expressions, time zones and durations in cron.ts; their grammar, shared with job definitions'
// built-in schedules, in @jobdeck/workflows). Unit-tested; no I/O.
import { z } from 'zod';
import {
  cronError,
  findJobType,
  isTimeZone,
  jobTypes,
  OVERLAP_POLICIES,
  parseDuration,
  type OverlapPolicy,
} from '@jobdeck/workflows';
import { dateTime, jobOptions } from '@jobdeck/workflows/control';
import { cronInWords, intervalInWords } from './cron';

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
