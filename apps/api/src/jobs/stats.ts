import { JOB_STATES, jobTypes, type JobState } from '@jobdeck/workflows';
import type { Services } from '../services';
import { knownQueues } from '../queues/known';
import { bucketOf, type STAT_BUCKETS } from './state';

export interface StatGroup {
  name: string;
  counts: Record<JobState, number>;
  buckets: Record<(typeof STAT_BUCKETS)[number] | 'cancelled', number>;
  /** completed / (completed + failed + timed out + terminated), over the records kept; null with none finished. */
  successRate: number | null;
  /** Jobs completed in the last five minutes, per minute. */
  perMinute: number;
  /** Jobs that ended unsuccessfully (failed, timed out, terminated) in the last five minutes, per minute. */
  failedPerMinute: number;
  /**
   * Jobs a retry superseded: left out of counts, buckets and success rate (they are no longer
   * failures to act on), and counted here, since Temporal still counts them by their status.
   */
  superseded: number;
}

/** A type or a queue: how to tell its counter and rollup rows. */
export interface StatsGroup {
  name: string;
  matches: (row: { type: string; queue: string }) => boolean;
}

/** Jobs of a type and queue that ended one way in one minute (rows of the JobRollup's minute grain). */
export interface ThroughputRow {
  minute: Date;
  type: string;
  queue: string;
  outcome: JobState;
  count: number;
}

const WINDOW_MS = 5 * 60_000;
const MINUTE_MS = 60_000;

const UNSUCCESSFUL = new Set<JobState>(['failed', 'timed_out', 'terminated']);

/** Per job type and per queue; cached for three seconds, since every open dashboard polls it. */
export async function jobStats(services: Services) {
  return services.cache.remember('stats', 3_000, async () => {
    const queues = await knownQueues(services);
    const groups: StatsGroup[] = [
      ...jobTypes.map((jobType) => ({
        name: jobType.type,
        matches: (row: { type: string }) => row.type === jobType.type,
      })),
      ...queues.map((queue) => ({ name: queue, matches: (row: { queue: string }) => row.queue === queue })),
    ];
    const stats = await collectStats(services, groups);
    return {
      types: stats.slice(0, jobTypes.length),
      queues: stats.slice(jobTypes.length),
      updatedAt: new Date().toISOString(),
    };
  });
}

/**
 * The stats in two small queries whatever the number of jobs: the job records per type, queue and
 * state (JobStateCount, kept by triggers) and the last minutes of the JobRollup. The records
 * are complete and in line with Temporal (the worker writes each change as it happens, the
 * reconciler what no workflow can write), so the counts are `temporal workflow count`'s once
 * reconciled; live states are even sharper, since a record turns active when the attempt starts.
 * Counting in Temporal's visibility instead reads every job it counts on SQL visibility stores,
 * and is rate-limited per namespace.
 *
 * Superseded originals (a retry with `supersede`) leave the counts: the counters keep them apart
 * (`superseded`, by the same triggers), since their closed workflows cannot be marked in Temporal.
 * A superseded job is failed, cancelled, terminated or timed out: the failed and cancelled buckets
 * together count `superseded` fewer jobs than `temporal workflow count` of their queries does.
 */
export async function collectStats(services: Services, groups: StatsGroup[], now = new Date()): Promise<StatGroup[]> {
  const [counts, throughput] = await Promise.all([
    services.db.jobStateCount.findMany({ where: { count: { gt: 0 } } }),
    services.db.jobRollup
      .findMany({
        where: { grain: 'minute', bucketStart: { gte: throughputSince(now) } },
        select: { bucketStart: true, type: true, queue: true, outcome: true, count: true },
      })
      .then((rows): ThroughputRow[] => rows.map(({ bucketStart, ...row }) => ({ minute: bucketStart, ...row }))),
  ]);
  return groups.map((group) => {
    const rows = counts.filter(group.matches);
    const superseded = rows.reduce((sum, row) => sum + Number(row.superseded), 0);
    return statGroup(group, stateCounts(rows), throughputOf(throughput.filter(group.matches), now), superseded);
  });
}

/** Every state's count over the given counter rows (a type's or a queue's), superseded records left out. */
export function stateCounts(
  rows: Array<{ state: JobState; count: bigint | number; superseded?: bigint | number }>,
): Record<JobState, number> {
  const counts = Object.fromEntries(JOB_STATES.map((state) => [state, 0])) as Record<JobState, number>;
  for (const row of rows) counts[row.state] += Number(row.count) - Number(row.superseded ?? 0);
  return counts;
}

/** The oldest rollup minute that overlaps the five-minute window. */
export function throughputSince(now: Date): Date {
  return new Date(Math.floor((now.getTime() - WINDOW_MS) / MINUTE_MS) * MINUTE_MS);
}

/**
 * Jobs per minute over the last five minutes from minute buckets: the oldest bucket lies partly
 * before the window and counts for the part inside it (its jobs taken as spread evenly), so the
 * figure neither jumps at each minute's turn nor counts six minutes as five.
 */
export function throughputOf(rows: ThroughputRow[], now: Date) {
  const windowStart = now.getTime() - WINDOW_MS;
  let completed = 0;
  let unsuccessful = 0;
  for (const row of rows) {
    const start = row.minute.getTime();
    const weight = start >= windowStart ? 1 : Math.max(0, (start + MINUTE_MS - windowStart) / MINUTE_MS);
    if (row.outcome === 'completed') completed += row.count * weight;
    else if (UNSUCCESSFUL.has(row.outcome)) unsuccessful += row.count * weight;
  }
  const perMinute = (count: number) => Math.round((count / 5) * 100) / 100;
  return { perMinute: perMinute(completed), failedPerMinute: perMinute(unsuccessful) };
}

export function statGroup(
  group: Pick<StatsGroup, 'name'>,
  counts: Record<JobState, number>,
  throughput: { perMinute: number; failedPerMinute: number },
  superseded = 0,
): StatGroup {
  const buckets = { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0, cancelled: 0 };
  for (const [state, count] of Object.entries(counts)) buckets[bucketOf(state as JobState)] += count;
  const finished = counts.completed + counts.failed + counts.timed_out + counts.terminated;
  return {
    name: group.name,
    counts,
    buckets,
    successRate: finished ? counts.completed / finished : null,
    ...throughput,
    superseded,
  };
}
