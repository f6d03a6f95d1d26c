import type { JobType } from './runtime/define-job';
import * as registry from './registry';

export const jobTypes: readonly JobType[] = Object.values(registry);

const byName = new Map(jobTypes.map((jobType) => [jobType.type, jobType]));

export function findJobType(type: string): JobType | undefined {
  return byName.get(type);
}

/** Every queue some job type runs on by default: what a worker polls unless told otherwise. */
export function defaultQueues(): string[] {
  return [...new Set(jobTypes.map((jobType) => jobType.queue))].sort();
}

/**
 * How many activities a worker runs at once on a queue: the largest `concurrency` among the job types
 * whose queue it is (undefined for a queue no job type names). The largest rather than the sum: job types
 * that share a queue share its slots, and a type joining a queue must not multiply its load (the three
 * maintenance jobs run one at a time); a type that needs slots of its own gets a queue of its own.
 */
export function queueConcurrency(queue: string): number | undefined {
  const asked = jobTypes.filter((jobType) => jobType.queue === queue).map((jobType) => jobType.concurrency);
  return asked.length ? Math.max(...asked) : undefined;
}
