import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { RetrySettings } from './envelope';
import type { ActivityDeps } from './activity-deps';
import type { Role } from './roles';
import { cronError, isTimeZone, OVERLAP_POLICIES, type OverlapPolicy } from './schedule-grammar';

/** An activity: its arguments are what its workflow passes, typed there through proxyActivities. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a map of activities holds functions of any arguments, as Temporal's own types do
export type Activity = (...args: any[]) => Promise<unknown>;

export interface JobTimeouts {
  /** Longest a single attempt of one activity may run. */
  activityStartToCloseMs: number;
  /** An activity that has not heartbeated for this long is presumed dead and retried elsewhere. */
  heartbeatMs?: number;
}

/**
 * A Temporal Schedule Jobdeck keeps for a job type, as the maintenance jobs declare theirs: the API
 * creates it at start when missing (id `sched-<type with dashes>`, see builtInScheduleId) and leaves it
 * alone when present, so that edits and pauses made in the dashboard survive restarts.
 */
export interface BuiltInSchedule<Schema extends z.ZodType = z.ZodType> {
  /** Its name in the dashboard: `Retention cleanup`. */
  name: string;
  /** What it does and when, in words, as the dashboard shows it. */
  description: string;
  /** One or more cron expressions (five fields, or a macro such as `@daily`), read in `timezone`. */
  cron: string[];
  /** An IANA time zone; UTC by default. */
  timezone?: string;
  /** What a run due while the previous one still runs does; `skip` by default. */
  overlap?: OverlapPolicy;
  /** The input of every run: checked against the type's own schema when the type is defined. */
  input: z.input<Schema>;
}

/** A built-in schedule as a definition holds it: its id, and every default applied. */
export type JobBuiltInSchedule<Schema extends z.ZodType = z.ZodType> = Required<BuiltInSchedule<Schema>> & {
  id: string;
};

export interface JobTypeOptions<Schema extends z.ZodType, Type extends string = string> {
  /** Dotted name users see everywhere: `report.generate`. */
  type: Type;
  description: string;
  /** Task queue the job runs on unless enqueue names another. */
  queue: string;
  /**
   * Activities of this type one worker runs at once (1 to 1000). A worker polls each queue with the
   * largest concurrency among the job types whose queue it is (see queueConcurrency in catalog.ts);
   * `JOBDECK_QUEUES="queue:n"` overrides it.
   */
  concurrency: number;
  input: Schema;
  /** A valid input, shown in the dashboard's enqueue form and the README. */
  example: z.input<Schema>;
  retry: RetrySettings;
  /** Error types (ApplicationFailure.type) that fail the job at once. */
  nonRetryableErrors?: string[];
  timeouts: JobTimeouts;
  /**
   * The least role that may start a job of this type, by enqueue, template, schedule or retry alike:
   * `operator` by default; `admin` for destructive built-ins such as the retention clean-up.
   */
  enqueueRole?: Extract<Role, 'operator' | 'admin'>;
  /** Activities of this job type; receives the worker's shared services. */
  activities: (deps: ActivityDeps) => Record<string, Activity>;
  /** A schedule the API keeps for this type (the maintenance jobs' recurring runs); none by default. */
  builtInSchedule?: BuiltInSchedule<Schema>;
}

export interface JobType<Schema extends z.ZodType = z.ZodType, Type extends string = string> extends Omit<
  JobTypeOptions<Schema, Type>,
  'builtInSchedule'
> {
  builtInSchedule?: JobBuiltInSchedule<Schema>;
  /** Temporal workflow type: the camel-cased job type (`report.generate` → `reportGenerate`). */
  workflowType: string;
  /** File that exports the workflow function, bundled by the worker. */
  workflowModule: string;
}

/**
 * The registered job types, handed to code that needs them (job control, activities) rather than
 * imported: the registry imports every job, and a job such as bulk.action imports control code.
 */
export interface JobCatalog {
  find(type: string): JobType | undefined;
}

/** The most activities a worker runs at once on one queue, whether a job type or JOBDECK_QUEUES asks. */
export const MAX_CONCURRENCY = 1000;

export function workflowTypeFor(type: string): string {
  return type.replace(/[._-]+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The id of a job type's built-in schedule: `maintenance.cleanup` → `sched-maintenance-cleanup`. */
export function builtInScheduleId(type: string): string {
  return `sched-${type.replace(/\./g, '-')}`;
}

/** Why a built-in schedule would be refused, a problem a line; empty when it is valid. */
function builtInScheduleProblems(schedule: BuiltInSchedule, input: z.ZodType): string[] {
  const problems: string[] = [];
  if (!schedule.name?.trim() || schedule.name.trim().length > 100) problems.push('name is 1 to 100 characters');
  if (!schedule.description?.trim() || schedule.description.trim().length > 1_000)
    problems.push('description is 1 to 1000 characters');
  if (!Array.isArray(schedule.cron) || !schedule.cron.length || schedule.cron.length > 10)
    problems.push('cron is 1 to 10 cron expressions');
  else
    for (const [index, expression] of schedule.cron.entries()) {
      const error = cronError(expression);
      if (error) problems.push(`cron.${index}: ${error}`);
    }
  if (schedule.timezone !== undefined && !isTimeZone(schedule.timezone))
    problems.push(`timezone: unknown time zone ${JSON.stringify(schedule.timezone)}`);
  if (schedule.overlap !== undefined && !OVERLAP_POLICIES.includes(schedule.overlap))
    problems.push(`overlap must be one of ${OVERLAP_POLICIES.join(', ')}`);
  const parsed = input.safeParse(schedule.input);
  if (!parsed.success)
    for (const issue of parsed.error.issues) problems.push(`${['input', ...issue.path].join('.')}: ${issue.message}`);
  return problems;
}

/**
 * Declares a job type. Call it from the job's `index.ts` with `import.meta.url`: the workflow
 * is then expected beside it in `workflow.ts`, exported under the camel-cased type name.
 */
export function defineJob<Schema extends z.ZodType, const Type extends string>(
  moduleUrl: string,
  options: JobTypeOptions<Schema, Type>,
): JobType<Schema, Type> {
  if (!/^[a-z][a-z0-9]*(\.[a-z][a-z0-9-]*)+$/.test(options.type)) {
    throw new Error(`job type "${options.type}" must be dotted lower case, like "report.generate"`);
  }
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1 || options.concurrency > MAX_CONCURRENCY) {
    throw new Error(`job type "${options.type}": concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}`);
  }
  // A field the job does not know is refused by name (400), not silently dropped: a typo such as
  // `batchsize` would otherwise run the job with its default. Enqueue, templates, schedules and retries alike.
  const input = options.input instanceof z.ZodObject ? (options.input.strict() as unknown as Schema) : options.input;
  const { builtInSchedule, ...rest } = options;
  if (builtInSchedule) {
    // Refused here, when the worker or the API loads the catalogue, rather than at the API's start.
    const problems = builtInScheduleProblems(builtInSchedule, input);
    if (problems.length)
      throw new Error(`job type "${options.type}": builtInSchedule is invalid:\n  ${problems.join('\n  ')}`);
  }
  return {
    ...rest,
    input,
    workflowType: workflowTypeFor(options.type),
    workflowModule: join(dirname(fileURLToPath(moduleUrl)), 'workflow.ts'),
    ...(builtInSchedule && {
      builtInSchedule: {
        id: builtInScheduleId(options.type),
        name: builtInSchedule.name,
        description: builtInSchedule.description,
        cron: [...builtInSchedule.cron],
        timezone: builtInSchedule.timezone ?? 'UTC',
        overlap: builtInSchedule.overlap ?? 'skip',
        input: builtInSchedule.input,
      },
    }),
  };
}
