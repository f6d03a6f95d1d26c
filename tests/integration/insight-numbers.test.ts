// insight.* against a dataset with known answers, in a database of its own: seeded job records with
// chosen outcomes, durations, errors and retries give exact counts, rates and advice, percentiles
// within the histogram's stated error, and rollups equal to the same aggregates computed from the
// records, whichever writer path (insert, update) ended the job, after a bulk rebuild, and after
// retention deleted old records.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '@jobdeck/db';
import { pruneRollups } from '../../packages/workflows/src/jobs/maintenance-cleanup/activities';
import { migratedDatabase } from '../../packages/db/test/scratch-database';
import { createCache } from '../../apps/api/src/cache';
import type { Services } from '../../apps/api/src/services';
import { insightTrends } from '../../apps/api/src/insight/trends';
import { insightPerformance } from '../../apps/api/src/insight/performance';
import { insightFailures } from '../../apps/api/src/insight/failures';
import { PERCENTILE_ERROR } from '../../apps/api/src/insight/histogram';
import type { WindowInput } from '../../apps/api/src/insight/window';

const url = migratedDatabase('insight');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
// Whole hours: the 24 h window's quarter hours and the 7 d window's hours then cover it exactly.
const NOW = new Date(Math.floor(Date.now() / HOUR) * HOUR);
const ago = (ms: number) => new Date(NOW.getTime() - ms);

let sql: pg.Pool;
let db: Db;
let services: Services;

interface Seed {
  id: string;
  type: string;
  queue: string;
  state: 'completed' | 'failed' | 'cancelled' | 'timed_out' | 'terminated';
  finishedAt: Date;
  runMs: number | null;
  waitMs?: number;
  error?: string;
  errorType?: string;
  attempts?: number;
  retryWaitMs?: number;
  scheduleId?: string;
  /** How the record reaches its end: written final at once, or moved there from active (the worker's way). */
  path: 'insert' | 'update';
}

const seeds: Seed[] = [];
let serial = 0;
const seed = (fields: Omit<Seed, 'id' | 'path'>) =>
  seeds.push({ ...fields, id: `known-${++serial}`, path: serial % 2 ? 'insert' : 'update' });

// alpha, last 24 h: 100 completed with run times 100 ms … 10 s and waits 10 ms … 1 s, ten of them
// retried (3 attempts, 2 s of retry waits); 10 failures answering 500 from varying ports, 5 rows
// missing, 3 timeouts (1 min), 2 cancelled before starting.
for (let i = 1; i <= 100; i++)
  seed({
    type: 'known.alpha',
    queue: 'known-one',
    state: 'completed',
    finishedAt: ago(i * 13 * MINUTE),
    runMs: i * 100,
    waitMs: i * 10,
    attempts: i % 10 === 0 ? 3 : 1,
    retryWaitMs: i % 10 === 0 ? 2_000 : 0,
    scheduleId: i <= 20 ? 'sched-known' : undefined,
  });
for (let i = 1; i <= 10; i++)
  seed({
    type: 'known.alpha',
    queue: 'known-one',
    state: 'failed',
    finishedAt: ago(i * 47 * MINUTE),
    runMs: 500,
    error: `127.0.0.1:${37_000 + i * 17} answered 500 Internal Server Error`,
    errorType: 'HttpServerError',
    attempts: 3,
  });
for (let i = 1; i <= 5; i++)
  seed({
    type: 'known.alpha',
    queue: 'known-one',
    state: 'failed',
    finishedAt: ago(i * 90 * MINUTE),
    runMs: 50,
    error: `row ${crypto.randomUUID()} missing in batch ${i}`,
    errorType: 'Error',
  });
for (let i = 1; i <= 3; i++)
  seed({
    type: 'known.alpha',
    queue: 'known-one',
    state: 'timed_out',
    finishedAt: ago(i * 5 * HOUR),
    runMs: 60_000,
    error: 'timed out',
  });
for (let i = 1; i <= 2; i++)
  seed({
    type: 'known.alpha',
    queue: 'known-one',
    state: 'cancelled',
    finishedAt: ago(i * 3 * HOUR),
    runMs: null,
    error: 'cancelled by test',
  });
// beta: 50 completed in the 24 h before; in the last 24 h 20 completed and 20 refused with a 404.
for (let i = 1; i <= 50; i++)
  seed({
    type: 'known.beta',
    queue: 'known-two',
    state: 'completed',
    finishedAt: ago(DAY + i * 20 * MINUTE),
    runMs: 2_000,
  });
for (let i = 1; i <= 20; i++) {
  seed({ type: 'known.beta', queue: 'known-two', state: 'completed', finishedAt: ago(i * 61 * MINUTE), runMs: 2_000 });
  seed({
    type: 'known.beta',
    queue: 'known-two',
    state: 'failed',
    finishedAt: ago(i * 67 * MINUTE),
    runMs: 300,
    error: `localhost:${41_000 + i} answered 404 Not Found`,
    errorType: 'HttpClientError',
  });
}
// Older: 30 alpha jobs 20 days ago, and one 50 days ago (past the hourly rollups' retention).
for (let i = 1; i <= 30; i++)
  seed({
    type: 'known.alpha',
    queue: 'known-one',
    state: 'completed',
    finishedAt: ago(20 * DAY + i * MINUTE),
    runMs: 1_000,
  });
seed({ type: 'known.alpha', queue: 'known-one', state: 'completed', finishedAt: ago(50 * DAY), runMs: 1_000 });

beforeAll(async () => {
  sql = new pg.Pool({ connectionString: url, max: 4 });
  db = createDb(url, { maxConnections: 2 });
  services = { sql, db, cache: createCache(null, 'insight-test') } as unknown as Services;
  for (const job of seeds) {
    const started = job.runMs === null ? null : new Date(job.finishedAt.getTime() - job.runMs);
    const created = started ? new Date(started.getTime() - (job.waitMs ?? 25)) : ago(60 * DAY);
    const values = [
      job.id,
      job.type,
      job.queue,
      job.path === 'insert' ? job.state : 'active',
      job.attempts ?? 1,
      job.retryWaitMs ?? 0,
      created.toISOString(),
      started?.toISOString() ?? null,
      job.path === 'insert' ? job.finishedAt.toISOString() : null,
      job.path === 'insert' ? (job.error ?? null) : null,
      job.errorType ?? null,
      job.scheduleId ?? null,
    ];
    await sql.query(
      `INSERT INTO "Job" ("id", "type", "queue", "state", "input", "requestedBy", "maxAttempts", "attempts", "retryWaitMs",
                          "createdAt", "startedAt", "finishedAt", "error", "errorType", "scheduleId", "updatedAt")
       VALUES ($1, $2, $3, $4::"JobState", '{}', 'test', 3, $5, $6, $7, $8, $9, $10, $11, $12, now())`,
      values,
    );
    if (job.path === 'update')
      await sql.query(`UPDATE "Job" SET "state" = $2::"JobState", "finishedAt" = $3, "error" = $4 WHERE "id" = $1`, [
        job.id,
        job.state,
        job.finishedAt.toISOString(),
        job.error ?? null,
      ]);
  }
});

afterAll(async () => {
  await sql?.end();
  await db?.$disconnect();
});

const window = (input: Partial<WindowInput>): WindowInput => ({ window: '24h', ...input }) as WindowInput;
const inLast = (ms: number, job: Seed) => job.finishedAt.getTime() >= NOW.getTime() - ms && job.finishedAt < NOW;

/** Nearest-rank percentile of exact values. */
function exactPercentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1]!;
}

/** The rollup rows per grain, bucket, type, queue and outcome, and the same computed from the records. */
async function rollupsAndRecords(): Promise<[unknown[], unknown[]]> {
  const rollups = await sql.query(
    `SELECT "grain"::text, "bucketStart", "type", "queue", "outcome"::text, sum("count")::int AS "count",
            sum("runMsSum")::bigint::text AS "runMs", sum("waitMsSum")::bigint::text AS "waitMs", sum("attemptsSum")::int AS "attempts"
       FROM "JobRollup" GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`,
  );
  const records = await sql.query(
    `SELECT g.grain, date_trunc(g.grain, j."finishedAt" AT TIME ZONE 'UTC', 'UTC') AS "bucketStart", j."type", j."queue", j."state"::text AS "outcome",
            count(*)::int AS "count",
            COALESCE(sum(floor(extract(epoch FROM j."finishedAt" - j."startedAt") * 1000)), 0)::bigint::text AS "runMs",
            COALESCE(sum(floor(extract(epoch FROM j."startedAt" - j."createdAt") * 1000)), 0)::bigint::text AS "waitMs",
            sum(j."attempts")::int AS "attempts"
       FROM "Job" j CROSS JOIN (VALUES ('minute'), ('hour'), ('day')) AS g(grain)
      WHERE j."finishedAt" IS NOT NULL
      GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`,
  );
  return [rollups.rows, records.rows];
}

describe('insight numbers on a known dataset', () => {
  it('keeps rollups equal to the aggregates of the records, by trigger and by bulk rebuild', async () => {
    const [rollups, records] = await rollupsAndRecords();
    expect(rollups.length).toBeGreaterThan(100);
    expect(rollups).toEqual(records);
    const before = await sql.query(`SELECT * FROM "JobRollup" ORDER BY 1, 2, 3, 4, 5, 6, 7`);
    const histogramsBefore = await sql.query(`SELECT * FROM "JobDurationHistogram" ORDER BY 1, 2, 3, 4, 5, 6`);
    await sql.query(`SELECT "jobdeck_rebuild_rollups"()`);
    expect((await sql.query(`SELECT * FROM "JobRollup" ORDER BY 1, 2, 3, 4, 5, 6, 7`)).rows).toEqual(before.rows);
    expect((await sql.query(`SELECT * FROM "JobDurationHistogram" ORDER BY 1, 2, 3, 4, 5, 6`)).rows).toEqual(
      histogramsBefore.rows,
    );
  });

  it('counts outcomes per bucket, with success rate, throughput and direction against the previous window', async () => {
    const trends = await insightTrends(services, window({}), NOW);
    expect(trends.window).toMatchObject({ bucketMs: 15 * MINUTE, grain: 'minute' });
    expect(trends.buckets).toHaveLength(96);
    expect(trends.totals).toMatchObject({
      completed: 120,
      failed: 35,
      timedOut: 3,
      cancelled: 2,
      terminated: 0,
      total: 160,
    });
    expect(trends.totals.unsuccessful).toBe(38);
    expect(trends.totals.successRate).toBeCloseTo(120 / 158, 10);
    expect(trends.totals.perMinute).toBeCloseTo(160 / 1440, 2);
    expect(trends.totals.perHour).toBeCloseTo(160 / 24, 1);
    expect(trends.buckets.reduce((sum, bucket) => sum + bucket.total, 0)).toBe(160);
    expect(trends.previous).toMatchObject({ completed: 50, total: 50, successRate: 1 });
    expect(trends.direction.throughput.direction).toBe('improving');
    expect(trends.direction.successRate.direction).toBe('declining');
    expect(trends.direction.failures).toEqual({ direction: 'declining', change: null });
    expect(trends.rule).toMatch(/previous window/);

    // Each bucket holds exactly the jobs that ended in it.
    for (const bucket of trends.buckets) {
      const start = Date.parse(bucket.at);
      const ended = seeds.filter(
        (job) => job.finishedAt.getTime() >= start && job.finishedAt.getTime() < start + 15 * MINUTE,
      );
      expect(bucket.total, bucket.at).toBe(ended.length);
    }

    const beta = await insightTrends(services, window({ type: 'known.beta' }), NOW);
    expect(beta.totals).toMatchObject({ completed: 20, failed: 20, total: 40, successRate: 0.5 });
    const scheduled = await insightTrends(services, window({ scheduleId: 'sched-known' }), NOW);
    expect(scheduled.totals.completed).toBe(20);
  });

  it('reads a month from the daily rollups and a week from the hourly ones', async () => {
    const month = await insightTrends(services, window({ window: '30d' }), NOW);
    expect(month.window).toMatchObject({ bucketMs: DAY, grain: 'day' });
    const inMonth = seeds.filter((job) => job.finishedAt.getTime() >= Date.parse(month.window.from));
    expect(month.totals.total).toBe(inMonth.length);
    const week = await insightTrends(services, window({ window: '7d', queue: 'known-two' }), NOW);
    expect(week.window).toMatchObject({ bucketMs: HOUR, grain: 'hour' });
    expect(week.totals.total).toBe(90);
  });

  it('gives run and wait times with exact counts and bounds, percentiles within the stated error', async () => {
    const performance = await insightPerformance(services, window({}), NOW);
    expect(performance.percentileError).toBeCloseTo(PERCENTILE_ERROR, 3);
    const alpha = performance.byType.find((row) => row.name === 'known.alpha')!;
    const jobs = seeds.filter((job) => job.type === 'known.alpha' && inLast(DAY, job));
    const runs = jobs.filter((job) => job.runMs !== null).map((job) => job.runMs!);
    const waits = jobs.filter((job) => job.runMs !== null).map((job) => job.waitMs ?? 25);
    expect(alpha.jobs).toBe(jobs.length);
    expect(alpha.run).toMatchObject({ count: runs.length, minMs: Math.min(...runs), maxMs: Math.max(...runs) });
    expect(alpha.run.avgMs).toBe(Math.round(runs.reduce((a, b) => a + b, 0) / runs.length));
    expect(alpha.wait).toMatchObject({ count: waits.length, minMs: Math.min(...waits), maxMs: Math.max(...waits) });
    for (const [key, p] of [
      ['p50Ms', 0.5],
      ['p95Ms', 0.95],
      ['p99Ms', 0.99],
    ] as const) {
      for (const [figure, values] of [
        [alpha.run, runs],
        [alpha.wait, waits],
      ] as const) {
        const exact = exactPercentile(values, p);
        expect(Math.abs(figure[key]! - exact) / exact, `${key}: ${figure[key]} vs ${exact}`).toBeLessThanOrEqual(
          PERCENTILE_ERROR + 0.0005, // the figure is given to 0.1 ms
        );
      }
    }
    expect(alpha.attemptsPerJob).toBeCloseTo(jobs.reduce((sum, job) => sum + (job.attempts ?? 1), 0) / jobs.length, 2);
    expect(alpha.retriedJobs).toBe(jobs.filter((job) => (job.attempts ?? 1) > 1).length);
    expect(alpha.retryWaitMs.total).toBe(20_000);

    const queue = performance.byQueue.find((row) => row.name === 'known-two')!;
    expect(queue.jobs).toBe(40);
    expect(performance.slowest.map((job) => job.runMs)).toEqual([
      60_000, 60_000, 60_000, 10_000, 9_900, 9_800, 9_700, 9_600, 9_500, 9_400,
    ]);
    expect(performance.slowest[0]).toMatchObject({ type: 'known.alpha', state: 'timed_out' });

    // One schedule's runs are read from their records: exact percentiles.
    const scheduled = await insightPerformance(services, window({ scheduleId: 'sched-known' }), NOW);
    expect(scheduled.byType[0]).toMatchObject({ name: 'known.alpha', jobs: 20 });
    expect(scheduled.byType[0]!.run).toMatchObject({ count: 20, p50Ms: 1_000, p95Ms: 1_900, p99Ms: 2_000, minMs: 100 });
  });

  it('groups failures by cause, with samples, the latest stack, failing types and advice', async () => {
    const failures = await insightFailures(services, window({}), NOW);
    expect(failures.groups.map((group) => [group.errorType, group.message, group.count])).toEqual([
      ['HttpClientError', 'HttpClientError: <id> answered <4xx> Not Found', 20],
      ['HttpServerError', 'HttpServerError: <ip> answered <5xx> Internal Server Error', 10],
      ['Error', 'Error: row <id> missing in batch <n>', 5],
      ['Timeout', 'Timeout: timed out', 3],
    ]);
    const serverErrors = failures.groups[1]!;
    expect(serverErrors.types).toEqual([{ name: 'known.alpha', count: 10 }]);
    expect(serverErrors.queues).toEqual([{ name: 'known-one', count: 10 }]);
    expect(serverErrors.trend.reduce((a, b) => a + b, 0)).toBe(10);
    expect(serverErrors.sampleJobIds).toHaveLength(5);
    const newest = seeds
      .filter((job) => job.errorType === 'HttpServerError')
      .sort((a, b) => +b.finishedAt - +a.finishedAt)[0]!;
    expect(serverErrors.latest).toMatchObject({ jobId: newest.id, error: newest.error });
    expect(serverErrors.lastSeenAt).toBe(newest.finishedAt.toISOString());
    expect(serverErrors.everSeen).toMatchObject({ count: 10, lastSeenAt: newest.finishedAt.toISOString() });
    expect(serverErrors.retry.filter).toMatchObject({
      errorGroup: serverErrors.fingerprint,
      from: failures.window.from,
    });

    expect(failures.topTypes).toEqual([
      { type: 'known.beta', unsuccessful: 20, total: 40, failureRate: 0.5 },
      { type: 'known.alpha', unsuccessful: 18, total: 120, failureRate: 0.15 },
    ]);
    const advice = Object.fromEntries(failures.recommendations.map((item) => [item.id, item]));
    expect(Object.keys(advice).sort()).toEqual(
      [`client-error:${failures.groups[0]!.fingerprint}`, 'failure-rate:known.beta', 'late-retries:known.alpha'].sort(),
    );
    expect(advice['failure-rate:known.beta']!.evidence).toContain('20 of 40 known.beta jobs (50 %)');
    expect(advice['late-retries:known.alpha']!.evidence).toContain(
      '10 of 100 completed known.alpha jobs needed retries, 3.0 attempts',
    );
  });

  it('keeps the history after retention deletes old records, and prunes each grain after its own retention', async () => {
    const before = await insightTrends(services, window({ window: '30d' }), NOW);
    const dayBefore = await insightTrends(services, window({}), NOW);
    // What maintenance.cleanup deletes with a 10-day retention.
    const { count } = await db.job.deleteMany({ where: { finishedAt: { lt: ago(10 * DAY) } } });
    expect(count).toBe(31);
    expect((await insightTrends(services, window({ window: '30d' }), NOW)).totals).toEqual(before.totals);
    expect((await insightTrends(services, window({}), NOW)).totals).toEqual(dayBefore.totals);
    // The rollups of what the records still hold equal the records' aggregates.
    const [rollups, records] = await rollupsAndRecords();
    const recent = (rows: unknown[]) =>
      rows.filter((row) => (row as { bucketStart: Date }).bucketStart >= ago(9 * DAY));
    expect(recent(rollups)).toEqual(recent(records));

    // The 50-day-old job: its hour rows go (45 days), its day row stays (400 days) and still answers.
    await pruneRollups({ db }, false, NOW.getTime());
    const custom = { window: 'custom' as const, from: ago(60 * DAY).toISOString(), to: ago(40 * DAY).toISOString() };
    const old = await insightTrends(services, window(custom), NOW);
    expect(old.window.grain).toBe('day');
    expect(old.totals.completed).toBe(1);
    const { rows } = await sql.query(
      `SELECT "grain"::text, count(*)::int FROM "JobRollup" WHERE "bucketStart" < $1 GROUP BY 1`,
      [ago(45 * DAY)],
    );
    expect(rows).toEqual([{ grain: 'day', count: 1 }]);
  });
});
