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
