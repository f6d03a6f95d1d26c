// The WHERE clause every rollup read shares: a grain, a range of buckets and the window's filters.
// Plain SQL on services.sql: a few hundred grouped rows per read, whatever the number of jobs.
import { coveringSegments, type ResolvedWindow } from './window';

export const UNSUCCESSFUL_SQL = `('failed', 'timed_out', 'terminated')`;

export interface RollupScope {
  where: string;
  params: unknown[];
}

/**
 * `"grain" = … AND "bucketStart" in [from, to) AND` the filters, with its parameters. Histograms
 * have no schedule column (`withSchedule` false): a schedule-filtered read takes its figures from the records.
 */
export function rollupScope(window: ResolvedWindow, from: Date, to: Date, withSchedule = true): RollupScope {
  const params: unknown[] = [window.grain, from.toISOString(), to.toISOString()];
  const clauses = [
    `"grain" = $1::"RollupGrain"`,
    `"bucketStart" >= $2::timestamptz`,
    `"bucketStart" < $3::timestamptz`,
  ];
  const { type, queue, scheduleId } = window.filter;
  if (type) clauses.push(`"type" = $${params.push(type)}`);
  if (queue) clauses.push(`"queue" = $${params.push(queue)}`);
  if (scheduleId && withSchedule) clauses.push(`"scheduleId" = $${params.push(scheduleId)}`);
  return { where: clauses.join(' AND '), params };
}

/**
 * The whole window from the fewest rows (see coveringSegments), with the filters: for sums that
 * need no buckets. Rows of different grains cover disjoint times, so no job counts twice.
 */
export function coveringScope(window: ResolvedWindow, withSchedule = true): RollupScope {
  const params: unknown[] = [];
  const ranges = coveringSegments(window).map(
    (segment) =>
      `("grain" = $${params.push(segment.grain)}::"RollupGrain" AND "bucketStart" >= $${params.push(segment.from.toISOString())}::timestamptz AND "bucketStart" < $${params.push(segment.to.toISOString())}::timestamptz)`,
  );
  const clauses = [`(${ranges.join(' OR ')})`];
  const { type, queue, scheduleId } = window.filter;
  if (type) clauses.push(`"type" = $${params.push(type)}`);
  if (queue) clauses.push(`"queue" = $${params.push(queue)}`);
  if (scheduleId && withSchedule) clauses.push(`"scheduleId" = $${params.push(scheduleId)}`);
  return { where: clauses.join(' AND '), params };
}

/** The job records the window covers (by their end), with its filters, starting at parameter `first`. */
export function recordScope(window: ResolvedWindow, first = 1): RollupScope {
  const params: unknown[] = [window.from.toISOString(), window.to.toISOString()];
  // "finishedAt" holds UTC without a zone (as Prisma writes it).
  const clauses = [
    `"finishedAt" >= ($${first}::timestamptz AT TIME ZONE 'UTC')`,
    `"finishedAt" < ($${first + 1}::timestamptz AT TIME ZONE 'UTC')`,
  ];
  const { type, queue, scheduleId } = window.filter;
  if (type) clauses.push(`"type" = $${first - 1 + params.push(type)}`);
  if (queue) clauses.push(`"queue" = $${first - 1 + params.push(queue)}`);
  if (scheduleId) clauses.push(`"scheduleId" = $${first - 1 + params.push(scheduleId)}`);
  return { where: clauses.join(' AND '), params };
}

/** The bucket a rollup row falls in, as epoch ms (rows of a finer grain summed into the window's buckets). */
export const BUCKET_SQL = (bucketParam: number) =>
  `(floor(extract(epoch FROM "bucketStart") * 1000 / $${bucketParam}::double precision) * $${bucketParam}::double precision)::bigint`;
