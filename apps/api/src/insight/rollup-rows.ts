// The WHERE clause every rollup read shares: a grain, a range of buckets and the window's filters.
// Plain SQL on services.sql: a few hundred grouped rows per read, whatever the number of jobs.
import { coveringSegments, type ResolvedWindow, type Segment } from './window';

export const UNSUCCESSFUL_SQL = `('failed', 'timed_out', 'terminated')`;

export interface RollupScope {
  where: string;
  params: unknown[];
}

/** Parameters numbered from `first` (a statement may hold others before them), and the filters' clauses. */
function scopeBuilder(window: ResolvedWindow, first: number, withSchedule: boolean) {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${first - 1 + params.push(value)}`;
  const filters = () => {
    const { type, queue, scheduleId } = window.filter;
    return [
      ...(type ? [`"type" = ${param(type)}`] : []),
      ...(queue ? [`"queue" = ${param(queue)}`] : []),
      ...(scheduleId && withSchedule ? [`"scheduleId" = ${param(scheduleId)}`] : []),
    ];
  };
  return { params, param, filters };
}

/** Rollup rows of the given grains and ranges, with the window's filters. */
function segmentsScope(window: ResolvedWindow, segments: Segment[], withSchedule: boolean): RollupScope {
  const { params, param, filters } = scopeBuilder(window, 1, withSchedule);
  const ranges = segments.map(
    (segment) =>
      `("grain" = ${param(segment.grain)}::"RollupGrain" AND "bucketStart" >= ${param(segment.from.toISOString())}::timestamptz AND "bucketStart" < ${param(segment.to.toISOString())}::timestamptz)`,
  );
  return { where: [`(${ranges.join(' OR ')})`, ...filters()].join(' AND '), params };
}

/**
 * Rows of the window's grain with buckets in [from, to), and the filters: for reads by bucket.
 * Histograms have no schedule column (`withSchedule` false): a schedule-filtered read takes its
 * figures from the records.
 */
export function rollupScope(window: ResolvedWindow, from: Date, to: Date, withSchedule = true): RollupScope {
  return segmentsScope(window, [{ grain: window.grain, from, to }], withSchedule);
}

/**
 * The whole window from the fewest rows (see coveringSegments), with the filters: for sums that
 * need no buckets. Rows of different grains cover disjoint times, so no job counts twice.
 */
export function coveringScope(window: ResolvedWindow, withSchedule = true): RollupScope {
  return segmentsScope(window, coveringSegments(window), withSchedule);
}

/** The job records the window covers (by their end), with its filters, starting at parameter `first`. */
export function recordScope(window: ResolvedWindow, first = 1): RollupScope {
  const { params, param, filters } = scopeBuilder(window, first, true);
  // "finishedAt" holds UTC without a zone (as Prisma writes it).
  const clauses = [
    `"finishedAt" >= (${param(window.from.toISOString())}::timestamptz AT TIME ZONE 'UTC')`,
    `"finishedAt" < (${param(window.to.toISOString())}::timestamptz AT TIME ZONE 'UTC')`,
  ];
  return { where: [...clauses, ...filters()].join(' AND '), params };
}

/** The bucket a rollup row falls in, as epoch ms (rows of a finer grain summed into the window's buckets). */
export const BUCKET_SQL = (bucketParam: number) =>
  `(floor(extract(epoch FROM "bucketStart") * 1000 / $${bucketParam}::double precision) * $${bucketParam}::double precision)::bigint`;
