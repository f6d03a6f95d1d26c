import { z } from 'zod';
import { findJobType, jobTypes, type JobEvent } from '@jobdeck/workflows';
import { jobIdSchema, queueName } from '@jobdeck/workflows/control';

/**
 * What one live stream asks for. A dashboard page receives only the events of what it shows:
 *  - `jobId` / `jobIds`: jobs followed in full (progress, logs, state), e.g. a job's page or the
 *    rows of a table;
 *  - `queue`, `type`, `kinds`: the events of every job of that queue and/or type, of these kinds
 *    (`state`: a job appeared, changed state or ended; `progress`; `log`), e.g. the overview's
 *    counts (`kinds: ['state']`) or a filtered table noticing new jobs.
 * An event is delivered when it matches either part. `{}` is everything, as before narrowing.
 * Unknown keys are refused (a filter the API would silently ignore is a bug in the caller).
 */

export const MAX_FOLLOWED_JOBS = 200;
export const EVENT_CLASSES = ['state', 'progress', 'log'] as const;
export type EventClass = (typeof EVENT_CLASSES)[number];

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
    /** `[]`: no job events at all, only the stream's own notices (a page that shows nothing live). */
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
      ? { queue: input.queue, type: input.type, kinds: new Set(input.kinds ?? EVENT_CLASSES) }
      : null;
  return { follow, watch };
}

/** Progress-only updates are the bulk of the traffic and the only events a later one makes obsolete. */
export function classify(event: Pick<JobEvent, 'kind'> & { state?: unknown; progress?: unknown }): EventClass {
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
