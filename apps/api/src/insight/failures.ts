// insight.failures: the window's unsuccessful jobs grouped by cause (their errorFingerprint), the
// failing job types, and advice. Counts come from the rollups; samples and the latest error from the
// records (the (errorFingerprint, finishedAt) index); what a group says from JobFailureGroup.
import type { BulkFilter } from '@jobdeck/workflows/control';
import type { Services } from '../services';
import { entryOf } from './entry';
import { recommend, type TypeFacts } from './recommendations';
import { BUCKET_SQL, coveringScope, recordScope, rollupScope, UNSUCCESSFUL_SQL } from './rollup-rows';
import { bucketStarts, describeWindow, resolveWindow, type ResolvedWindow, type WindowInput } from './window';

/** The biggest groups are shown; the rest are counted. */
const MAX_GROUPS = 20;
const SAMPLES = 5;

interface GroupCounts {
  fingerprint: string;
  count: number;
  types: Map<string, number>;
  queues: Map<string, number>;
  trend: Map<number, number>;
}

export async function insightFailures(services: Services, input: WindowInput, now = new Date()) {
  const window = resolveWindow(input, now);
  const [counted, typeFacts] = await Promise.all([groupCounts(services, window), typeFactsOf(services, window)]);
  const top = counted
    .sort((a, b) => b.count - a.count || a.fingerprint.localeCompare(b.fingerprint))
    .slice(0, MAX_GROUPS);
  const fingerprints = top.map((group) => group.fingerprint);
  const [described, samples] = await Promise.all([
    describeGroups(services, fingerprints),
    sampleJobs(services, window, fingerprints),
  ]);
  const starts = bucketStarts(window).map((at) => at.getTime());

  const groups = top.map((group) => {
    const about = described.get(group.fingerprint);
    const jobs = samples.get(group.fingerprint) ?? [];
    const buckets = starts.filter((at) => group.trend.has(at));
    const latest = jobs[0] ?? null;
    return {
      fingerprint: group.fingerprint,
      errorType: about?.errorType ?? 'Error',
      message: about?.message ?? '(no longer described: its last occurrence is past retention)',
      count: group.count,
      // In the window: from the first bucket it failed in, to its latest job's end.
      firstSeenAt: new Date(buckets[0] ?? window.from.getTime()).toISOString(),
      lastSeenAt:
        latest?.finishedAt ?? new Date((buckets.at(-1) ?? window.from.getTime()) + window.bucketMs).toISOString(),
      everSeen: about
        ? {
            count: Number(about.count),
            firstSeenAt: about.firstSeenAt.toISOString(),
            lastSeenAt: about.lastSeenAt.toISOString(),
          }
        : null,
      types: sortedCounts(group.types),
      queues: sortedCounts(group.queues),
      trend: starts.map((at) => group.trend.get(at) ?? 0),
      sampleJobIds: jobs.map((job) => job.id),
      latest: latest && {
        jobId: latest.id,
        error: latest.error,
        finishedAt: latest.finishedAt,
      },
      retry: { filter: retryFilter(window, group.fingerprint) },
    };
  });

  const topTypes = typeFacts
    .filter((type) => type.unsuccessful > 0)
    .map((type) => ({
      type: type.type,
      unsuccessful: type.unsuccessful,
      total: type.total,
      failureRate: Math.round((type.unsuccessful / type.total) * 10_000) / 10_000,
    }))
    .sort((a, b) => b.unsuccessful - a.unsuccessful || a.type.localeCompare(b.type))
    .slice(0, 10);

  return {
    window: describeWindow(window),
    totalGroups: counted.length,
    groups,
    topTypes,
    recommendations: recommend(groups, typeFacts),
  };
}

/** What jobs.bulkPreview / jobs.bulk take to retry the group's jobs of this window. */
function retryFilter(window: ResolvedWindow, fingerprint: string): BulkFilter {
  return {
    errorGroup: fingerprint,
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    ...(window.filter.type ? { type: window.filter.type } : {}),
    ...(window.filter.queue ? { queue: window.filter.queue } : {}),
  };
}

const sortedCounts = (counts: Map<string, number>) =>
  [...counts]
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));

async function groupCounts(services: Services, window: ResolvedWindow): Promise<GroupCounts[]> {
  const scope = rollupScope(window, window.from, window.to);
  const bucketParam = scope.params.push(window.bucketMs);
  const { rows } = await services.sql.query<{
    fingerprint: string;
    type: string;
    queue: string;
    bucket: string;
    count: number;
  }>(
    `SELECT "errorFingerprint" AS "fingerprint", "type", "queue", ${BUCKET_SQL(bucketParam)} AS "bucket", sum("count")::integer AS "count"
       FROM "JobRollup" WHERE ${scope.where} AND "outcome" IN ${UNSUCCESSFUL_SQL} GROUP BY 1, 2, 3, 4`,
    scope.params,
  );
  const groups = new Map<string, GroupCounts>();
  const add = <K>(counts: Map<K, number>, key: K, count: number) => counts.set(key, (counts.get(key) ?? 0) + count);
  for (const row of rows) {
    const group = entryOf(groups, row.fingerprint, () => ({
      fingerprint: row.fingerprint,
      count: 0,
      types: new Map(),
      queues: new Map(),
      trend: new Map(),
    }));
    group.count += row.count;
    add(group.types, row.type, row.count);
    add(group.queues, row.queue, row.count);
    add(group.trend, Number(row.bucket), row.count);
  }
  return [...groups.values()];
}

async function typeFactsOf(services: Services, window: ResolvedWindow): Promise<TypeFacts[]> {
  const scope = coveringScope(window);
  const { rows } = await services.sql.query<TypeFacts>(
    `SELECT "type", sum("count")::integer AS "total",
            (sum("count") FILTER (WHERE "outcome" IN ${UNSUCCESSFUL_SQL}))::integer AS "unsuccessful",
            (sum("count") FILTER (WHERE "outcome" = 'completed'))::integer AS "completed",
            (sum("retriedCount") FILTER (WHERE "outcome" = 'completed'))::integer AS "completedRetried",
            -- Attempts of the completed jobs that were retried: all their attempts less one per job that was not.
            (sum("attemptsSum" - ("count" - "retriedCount")) FILTER (WHERE "outcome" = 'completed'))::integer AS "completedRetriedAttempts"
       FROM "JobRollup" WHERE ${scope.where} GROUP BY 1`,
    scope.params,
  );
  return rows.map((row) => ({
    type: row.type,
    total: row.total,
    unsuccessful: row.unsuccessful ?? 0,
    completed: row.completed ?? 0,
    completedRetried: row.completedRetried ?? 0,
    completedRetriedAttempts: row.completedRetriedAttempts ?? 0,
  }));
}

async function describeGroups(services: Services, fingerprints: string[]) {
  if (!fingerprints.length) return new Map();
  const rows = await services.db.jobFailureGroup.findMany({ where: { fingerprint: { in: fingerprints } } });
  return new Map(rows.map((row) => [row.fingerprint, row]));
}

interface SampleJob {
  fingerprint: string;
  id: string;
  error: string | null;
  finishedAt: string | null;
}

/**
 * The latest jobs of each group in the window (the first with its error), in one read. A stack is
 * read from its job's page (jobs.get), the one answer that serves a job's stack: an overview of many
 * jobs shows none of the worker's internals.
 */
async function sampleJobs(services: Services, window: ResolvedWindow, fingerprints: string[]) {
  const samples = new Map<string, SampleJob[]>();
  if (!fingerprints.length) return samples;
  const scope = recordScope(window, 2);
  const { rows } = await services.sql.query<Omit<SampleJob, 'finishedAt'> & { finishedAt: Date | null }>(
    `SELECT fingerprint, job."id", job."error", job."finishedAt" AT TIME ZONE 'UTC' AS "finishedAt"
       FROM unnest($1::text[]) AS fingerprint
       CROSS JOIN LATERAL (
         SELECT "id", "error", "finishedAt" FROM "Job"
          WHERE "errorFingerprint" = fingerprint AND "state" IN ${UNSUCCESSFUL_SQL} AND ${scope.where}
          ORDER BY "finishedAt" DESC LIMIT ${SAMPLES}) AS job`,
    [fingerprints, ...scope.params],
  );
  for (const row of rows) {
    entryOf(samples, row.fingerprint, () => []).push({
      ...row,
      finishedAt: row.finishedAt ? row.finishedAt.toISOString() : null,
    });
  }
  return samples;
}
