import type { JobTimeouts, JobTypeOptions } from '../runtime/define-job';

/**
 * What Jobdeck's own maintenance jobs (the maintenance-* folders) share: a queue of their own, one at
 * a time (each reads or deletes across every job's records), and patient retries.
 */
export const maintenanceJob = {
  queue: 'maintenance',
  concurrency: 1,
  retry: { maxAttempts: 3, initialIntervalMs: 5_000, backoffCoefficient: 2, maximumIntervalMs: 60_000 },
} satisfies Partial<JobTypeOptions<never>>;

/** A heartbeat a minute at least: they report progress per batch, and none of them is urgent. */
export function maintenanceTimeouts(activityStartToCloseMs: number): JobTimeouts {
  return { activityStartToCloseMs, heartbeatMs: 60_000 };
}
