// The time window every insight.* procedure reads: a preset or a custom range, cut into buckets that
// fit it, read from the rollup grain that has them. Pure: tested in apps/api/test/insight-window.test.ts.
import { z } from 'zod';
import { ROLLUP_RETENTION_MS, type RollupGrain } from '@jobdeck/workflows';
import { dateTime, queueName } from '@jobdeck/workflows/control';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const WINDOW_PRESETS = { '1h': HOUR, '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY } as const;
export type WindowPreset = keyof typeof WINDOW_PRESETS;

/** Bucket sizes, smallest first; a window takes the smallest that cuts it into at most MAX_BUCKETS. */
export const BUCKET_SIZES = [MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR, DAY] as const;
const MAX_BUCKETS = 200;
/** A custom range spans at most this long: the day rollups are kept as long (ROLLUP_RETENTION_MS). */
const MAX_RANGE = 400 * DAY;

export type Grain = RollupGrain;

const jobTypeName = z
  .string()
  .max(100)
  .regex(/^[a-z][a-z0-9.-]*$/, 'type is a job type such as report.generate');
const scheduleId = z
  .string()
  .max(200)
  .regex(/^[\w.:-]+$/, 'scheduleId is a schedule id such as sched-nightly-sync');

export const windowInput = z
  .object({
    window: z.enum(['1h', '24h', '7d', '30d', 'custom']).default('24h'),
    /** For `custom`: the range, ISO 8601. */
    from: dateTime('from').optional(),
    to: dateTime('to').optional(),
    type: jobTypeName.optional(),
    queue: queueName.optional(),
    scheduleId: scheduleId.optional(),
  })
  .strict()
  .superRefine((input, context) => {
    if (input.window !== 'custom') {
      if (input.from || input.to)
        context.addIssue({ code: 'custom', path: ['from'], message: 'from and to are for window "custom"' });
      return;
    }
    if (!input.from || !input.to) {
      context.addIssue({
        code: 'custom',
        path: [input.from ? 'to' : 'from'],
        message: 'a custom window needs from and to',
      });
      return;
    }
    const span = Date.parse(input.to) - Date.parse(input.from);
    if (span < MINUTE)
      context.addIssue({ code: 'custom', path: ['to'], message: 'to must be at least a minute after from' });
    if (span > MAX_RANGE)
      context.addIssue({ code: 'custom', path: ['to'], message: 'a custom window spans at most 400 days' });
  });
export type WindowInput = z.output<typeof windowInput>;

export interface ResolvedWindow {
  /** The window as asked, then widened outwards to whole buckets (what the figures cover). */
  from: Date;
  to: Date;
  bucketMs: number;
  grain: Grain;
  /** The window of the same length just before, for the trend's direction. */
  previousFrom: Date;
  filter: { type?: string; queue?: string; scheduleId?: string };
}

const grainOf = (bucketMs: number): Grain => (bucketMs >= DAY ? 'day' : bucketMs >= HOUR ? 'hour' : 'minute');

export function resolveWindow(input: WindowInput, now = new Date()): ResolvedWindow {
  const askedTo = input.window === 'custom' ? Date.parse(input.to!) : now.getTime();
  const askedFrom = input.window === 'custom' ? Date.parse(input.from!) : askedTo - WINDOW_PRESETS[input.window];
  const span = askedTo - askedFrom;
  let bucketMs: number = BUCKET_SIZES.find((size) => span / size <= MAX_BUCKETS) ?? DAY;
  // Buckets finer than what is still kept for the window's start come from the next grain.
  while (bucketMs < DAY && askedFrom < now.getTime() - ROLLUP_RETENTION_MS[grainOf(bucketMs)])
    bucketMs = BUCKET_SIZES[BUCKET_SIZES.indexOf(bucketMs as (typeof BUCKET_SIZES)[number]) + 1]!;
  // A window spans a minute at least (see windowInput): widened outwards, it holds a bucket at least.
  const from = Math.floor(askedFrom / bucketMs) * bucketMs;
  const to = Math.ceil(askedTo / bucketMs) * bucketMs;
  const { type, queue, scheduleId } = input;
  return {
    from: new Date(from),
    to: new Date(to),
    bucketMs,
    grain: grainOf(bucketMs),
    previousFrom: new Date(from - (to - from)),
    filter: { type, queue, scheduleId },
  };
}

/** The start of every bucket of the window, oldest first. */
export function bucketStarts(window: Pick<ResolvedWindow, 'from' | 'to' | 'bucketMs'>): Date[] {
  const starts: Date[] = [];
  for (let at = window.from.getTime(); at < window.to.getTime(); at += window.bucketMs) starts.push(new Date(at));
  return starts;
}

export interface Segment {
  grain: Grain;
  from: Date;
  to: Date;
}

/**
 * The window as the fewest rollup rows cover it, for reads that need no buckets: whole days from the
 * day grain, whole hours from the hour grain, the minutes at the edges from the minute grain. The
 * edges are whole buckets of the window's own grain, so every grain read is one still kept.
 */
export function coveringSegments(window: Pick<ResolvedWindow, 'from' | 'to'>): Segment[] {
  const from = window.from.getTime();
  const to = window.to.getTime();
  const segments: Segment[] = [];
  const add = (grain: Grain, start: number, end: number) => {
    if (end > start) segments.push({ grain, from: new Date(start), to: new Date(end) });
  };
  const hourUp = Math.ceil(from / HOUR) * HOUR;
  const hourDown = Math.floor(to / HOUR) * HOUR;
  if (hourUp >= hourDown) {
    add('minute', from, to);
    return segments;
  }
  const dayUp = Math.ceil(from / DAY) * DAY;
  const dayDown = Math.floor(to / DAY) * DAY;
  add('minute', from, hourUp);
  if (dayUp < dayDown) {
    add('hour', hourUp, dayUp);
    add('day', dayUp, dayDown);
    add('hour', dayDown, hourDown);
  } else add('hour', hourUp, hourDown);
  add('minute', hourDown, to);
  return segments;
}

/** What the answer says of its window. */
export function describeWindow(window: ResolvedWindow) {
  return {
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    bucketMs: window.bucketMs,
    grain: window.grain,
    filter: window.filter,
  };
}
