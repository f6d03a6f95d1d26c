import { z } from 'zod';
import { findJobType, jobTypes, type JobEvent, type SystemEvent } from '@jobdeck/workflows';
import { jobIdSchema, queueName } from '@jobdeck/workflows/control';

/**
 * What one live stream asks for. A dashboard page receives only the events of what it shows:
 *  - `jobId` / `jobIds`: jobs followed in full (progress, logs, state), e.g. a job's page or the
 *    rows of a table;
 *  - `queue`, `type`, `kinds`: events of these kinds about that queue and/or type: of jobs (`state`:
 *    a job appeared, changed state or ended; `progress`; `log`), of queues (`queue`: paused, resumed,
 *    stats), of the system's health (`health`) and of alerts (`alert`), e.g. the overview's counts
 *    (`kinds: ['state']`), a filtered table noticing new jobs, the dashboard's bell (`kinds: ['alert']`).
 * An event is delivered when it matches either part. Without `kinds` a stream receives every job
 * event (as before issue 12); queue, health and alert events only reach streams that name them.
 * Unknown keys are refused (a filter the API would silently ignore is a bug in the caller).
 */

export const MAX_FOLLOWED_JOBS = 200;
/** Classes of job events: the only ones `jobId` following and a stream without `kinds` receive. */
export const JOB_EVENT_CLASSES = ['state', 'progress', 'log'] as const;
export const SYSTEM_EVENT_CLASSES = ['queue', 'health', 'alert'] as const;
export const EVENT_CLASSES = [...JOB_EVENT_CLASSES, ...SYSTEM_EVENT_CLASSES] as const;
export type EventClass = (typeof EVENT_CLASSES)[number];
export type SystemEventClass = (typeof SYSTEM_EVENT_CLASSES)[number];

const typeNames = jobTypes.map((jobType) => jobType.type) as [string, ...string[]];

export const subscribeInput = z
  .object({
    jobId: jobIdSchema.optional(),
    jobIds: z
      .array(jobIdSchema)
      .min(1)
      .max(MAX_FOLLOWED_JOBS, `at most ${MAX_FOLLOWED_JOBS} job ids; narrow by queue or type instead`)
      .optional(),
    queue: queueName.optional(),
    type: z.enum(typeNames).optional(),
    /** `[]`: no events at all, only the stream's own notices (a page that shows nothing live). */
    kinds: z.array(z.enum(EVENT_CLASSES)).max(EVENT_CLASSES.length).optional(),
    /** One SSE message per delivery window, `{ kind: 'batch', events }`, instead of one per event. */
    batch: z.boolean().optional(),
    /** Added by tRPC's subscription link when it reconnects; events are live only, so it is not replayed. */
    lastEventId: z.string().max(200).optional(),
  })
  .strict()
  .default({});

export type SubscribeInput = z.output<typeof subscribeInput>;

export interface Watch {
  queue?: string;
  type?: string;
  kinds: ReadonlySet<EventClass>;
}

export interface Selector {
  /** Jobs followed in full; null when none. */
  follow: ReadonlySet<string> | null;
  /** Jobs matched by queue/type (all when neither), for the given kinds; null when the stream only follows jobs. */
  watch: Watch | null;
}

export function toSelector(input: SubscribeInput): Selector {
  const ids = new Set([...(input.jobId ? [input.jobId] : []), ...(input.jobIds ?? [])]);
  const follow = ids.size ? ids : null;
  const narrowsWatch = input.queue !== undefined || input.type !== undefined || input.kinds !== undefined;
  const watch =
    narrowsWatch || !follow
      ? { queue: input.queue, type: input.type, kinds: new Set<EventClass>(input.kinds ?? JOB_EVENT_CLASSES) }
      : null;
  return { follow, watch };
}

/** Progress-only updates are the bulk of the traffic and the only events a later one makes obsolete. */
export function classify(
  event: Pick<JobEvent, 'kind'> & { state?: unknown; progress?: unknown },
): (typeof JOB_EVENT_CLASSES)[number] {
  if (event.kind === 'job.log') return 'log';
  return event.progress !== undefined && event.state === undefined ? 'progress' : 'state';
}

export interface JobWhere {
  type: string | null;
  queue: string | null;
}

/** Job ids start with their type (`<type>-<stamp>-<random>`, `<type>-key-<key>`, `<type>-<schedule>-<time>`). */
export function typeFromJobId(jobId: string): string | null {
  let found: string | null = null;
  for (const jobType of jobTypes) {
    if (jobId.startsWith(`${jobType.type}-`) && (!found || jobType.type.length > found.length)) found = jobType.type;
  }
  return found && findJobType(found) ? found : null;
}

/** Whether a watch matches an event of a job at `where` (null: not known, matches only an unnarrowed watch). */
export function watchMatches(watch: Watch, eventClass: EventClass, where: JobWhere | null): boolean {
  if (!watch.kinds.has(eventClass)) return false;
  if (watch.queue !== undefined && where?.queue !== watch.queue) return false;
  if (watch.type !== undefined && where?.type !== watch.type) return false;
  return true;
}

/** The class of an event that is not about one job. */
export function systemClassOf(event: Pick<SystemEvent, 'kind'>): SystemEventClass {
  if (event.kind === 'system.health') return 'health';
  if (event.kind === 'alert.fired' || event.kind === 'alert.resolved' || event.kind === 'alert.test') return 'alert';
  return 'queue';
}

/**
 * Where a system event is, for narrowing: a queue event at its queue (no type: a stream narrowed to a
 * type does not receive it), an alert at its queue and type when the rule names them (neither: only
 * streams narrowed by neither receive it). Health is about everything: null, every `health` stream.
 */
export function systemWhere(event: SystemEvent): JobWhere | null {
  switch (event.kind) {
    case 'system.health':
      return null;
    case 'alert.test':
      // About no queue or type: streams narrowed by neither (the bell) receive it.
      return { queue: null, type: null };
    case 'alert.fired':
    case 'alert.resolved':
      return { queue: event.queue ?? null, type: event.type ?? null };
    default:
      return { queue: event.queue, type: null };
  }
}
