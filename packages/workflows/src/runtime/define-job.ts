import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { RetrySettings } from './envelope';
import type { ActivityDeps } from './activity-deps';
import type { Role } from './roles';

/** An activity: its arguments are what its workflow passes, typed there through proxyActivities. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a map of activities holds functions of any arguments, as Temporal's own types do
export type Activity = (...args: any[]) => Promise<unknown>;

export interface JobTimeouts {
  /** Longest a single attempt of one activity may run. */
  activityStartToCloseMs: number;
  /** An activity that has not heartbeated for this long is presumed dead and retried elsewhere. */
  heartbeatMs?: number;
}

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
}

export interface JobType<Schema extends z.ZodType = z.ZodType, Type extends string = string> extends JobTypeOptions<
  Schema,
  Type
> {
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
  return {
    ...options,
    // A field the job does not know is refused by name (400), not silently dropped: a typo such as
    // `batchsize` would otherwise run the job with its default. Enqueue, templates, schedules and retries alike.
    input: options.input instanceof z.ZodObject ? (options.input.strict() as unknown as Schema) : options.input,
    workflowType: workflowTypeFor(options.type),
    workflowModule: join(dirname(fileURLToPath(moduleUrl)), 'workflow.ts'),
  };
}
