// The insight rollups (JobRollup, JobDurationHistogram, JobFailureGroup: see their migration) outlive
// the job records: trends and percentiles stay readable after retention deleted the records. Each
// grain is kept as long as a window that reads it can reach back.
const DAY_MS = 86_400_000;

export type RollupGrain = 'minute' | 'hour' | 'day';

/** How long maintenance.cleanup keeps each grain; a window reaching further back reads the next coarser grain. */
export const ROLLUP_RETENTION_MS: Record<RollupGrain, number> = {
  minute: 3 * DAY_MS,
  hour: 45 * DAY_MS,
  day: 400 * DAY_MS,
};
