// The insight triggers (migration 20261129050000_insight_rollups): the failure group of an error,
// the fields a record derives from its own columns, and a job counted once whichever writer ended it.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedDatabase } from './scratch-database.ts';

const url = migratedDatabase('insightrollups');
let client: pg.Client;

beforeAll(async () => {
  client = new pg.Client({ connectionString: url });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
});

async function group(type: string, message: string): Promise<string> {
  const { rows } = await client.query(`SELECT "jobdeck_error_group"($1, $2) AS "group"`, [type, message]);
  return rows[0].group;
}

describe('failure groups', () => {
  it.each([
    ['127.0.0.1:37271 answered 500 Internal Server Error', '<ip> answered <5xx> Internal Server Error'],
    ['localhost:41002 answered 404 Not Found', '<id> answered <4xx> Not Found'],
    ['HTTP 503 from upstream', 'HTTP <5xx> from upstream'],
    ['job report.generate-20261127-101500-a1b2c3 failed at 2026-11-29T10:15:00.123Z', 'job <id> failed at <time>'],
    ['fetch https://api.example.com/v1/users/123?token=abc failed', 'fetch <url> failed'],
    ['row 8f14e45f-ceea-467f-a8f5-9e0bbd0ad5b3 missing', 'row <id> missing'],
    ['user 42 not found in batch 7 of 12', 'user <n> not found in batch <n> of <n>'],
    ['checksum deadbeef12 mismatch', 'checksum <id> mismatch'],
    ['connect ECONNREFUSED 10.0.0.1:5432', 'connect ECONNREFUSED <ip>'],
    ['first line 1\n    at handler (file.js:12:3)', 'first line <n>'],
    ['  spaced\tout   words  ', 'spaced out words'],
  ])('normalises %j', async (message, expected) => {
    expect(await group('Error', message)).toBe(`Error: ${expected}`);
  });

  it('tells causes apart by error type and status class, and caps the text', async () => {
    expect(await group('HttpServerError', 'a answered 500')).not.toBe(await group('HttpClientError', 'a answered 500'));
    expect(await group('Error', 'x answered 500')).not.toBe(await group('Error', 'x answered 404'));
    expect(await group('Error', 'x answered 500')).toBe(await group('Error', 'x answered 502'));
    expect((await group('Error', 'y'.repeat(5_000))).length).toBe(300);
    // A NUL-free but hostile message: regex metacharacters and quotes are text, not patterns.
    expect(await group('Error', `'; DROP TABLE "Job"; -- (.*)+$`)).toBe(`Error: '; DROP TABLE "Job"; -- (.*)+$`);
  });
});

async function insertJob(id: string, fields: Record<string, unknown>, queue = 'sync') {
  const columns = Object.keys(fields);
  await client.query(
    `INSERT INTO "Job" ("id", "type", "queue", "input", "requestedBy", "maxAttempts", "updatedAt"${columns.map((c) => `, "${c}"`).join('')})
     VALUES ($1, 'data.sync', $2, '{}', 'test', 3, now()${columns.map((_, i) => `, $${i + 3}`).join('')})`,
    [id, queue, ...Object.values(fields)],
  );
}
const job = async (id: string) => (await client.query(`SELECT * FROM "Job" WHERE "id" = $1`, [id])).rows[0];
const rollupCount = async (id: string) =>
  (
    await client.query(
      `SELECT "grain"::text, sum("count")::int AS "count" FROM "JobRollup" r JOIN "Job" j ON j."type" = r."type" AND j."queue" = r."queue"
        WHERE j."id" = $1 GROUP BY 1 ORDER BY 1`,
      [id],
    )
  ).rows;

describe('derived fields and counting', () => {
  it('sets the fingerprint on every writer path, from the state for timeouts and terminations', async () => {
    await insertJob('f1', { state: 'active', startedAt: '2026-11-29 10:00:00' });
    expect((await job('f1')).errorFingerprint).toBeNull();
    await client.query(
      `UPDATE "Job" SET "error" = 'x:1 answered 500', "errorType" = 'HttpServerError', "state" = 'retrying' WHERE "id" = 'f1'`,
    );
    const retrying = (await job('f1')).errorFingerprint;
    expect(retrying).toMatch(/^[0-9a-f]{16}$/);
    await client.query(
      `UPDATE "Job" SET "error" = 'x:2 answered 503', "state" = 'failed', "finishedAt" = '2026-11-29 10:00:02.5' WHERE "id" = 'f1'`,
    );
    const failed = await job('f1');
    expect(failed.errorFingerprint).toBe(retrying);
    expect(failed.runMs).toBe(2_500);
    await client.query(`UPDATE "Job" SET "state" = 'timed_out' WHERE "id" = 'f1'`);
    expect((await job('f1')).errorFingerprint).not.toBe(retrying);
    const { rows } = await client.query(
      `SELECT "errorType", "message", "count"::int FROM "JobFailureGroup" WHERE "fingerprint" = $1`,
      [retrying],
    );
    expect(rows).toEqual([{ errorType: 'HttpServerError', message: 'HttpServerError: <id> answered <5xx>', count: 1 }]);
  });

  it('counts a job once in each grain, however often its end is written', async () => {
    await insertJob('c1', { state: 'waiting' }, 'count-once');
    await client.query(`UPDATE "Job" SET "state" = 'active', "startedAt" = '2026-11-28 08:00:00' WHERE "id" = 'c1'`);
    expect(await rollupCount('c1')).toEqual([]);
    await client.query(
      `UPDATE "Job" SET "state" = 'completed', "finishedAt" = '2026-11-28 08:00:01' WHERE "id" = 'c1'`,
    );
    await client.query(`UPDATE "Job" SET "state" = 'completed', "result" = '{}' WHERE "id" = 'c1'`);
    await client.query(`UPDATE "Job" SET "state" = 'failed' WHERE "id" = 'c1'`); // final to final: not a second end
    const { rows } = await client.query(
      `SELECT "grain"::text, "bucketStart", "count", "runMsSum"::int FROM "JobRollup" WHERE "queue" = 'count-once' ORDER BY "JobRollup"."grain"`,
    );
    expect(rows).toEqual([
      { grain: 'minute', bucketStart: new Date('2026-11-28T08:00:00Z'), count: 1, runMsSum: 1_000 },
      { grain: 'hour', bucketStart: new Date('2026-11-28T08:00:00Z'), count: 1, runMsSum: 1_000 },
      { grain: 'day', bucketStart: new Date('2026-11-28T00:00:00Z'), count: 1, runMsSum: 1_000 },
    ]);
  });

  it('puts durations in the log-scale bucket of 8 per doubling', async () => {
    const { rows } = await client.query(
      `SELECT ms, "jobdeck_duration_bucket"(ms)::int AS "bucket" FROM unnest(ARRAY[0, 1, 2, 3, 100, 1000, 60000, 2592000000]::bigint[]) AS ms`,
    );
    for (const { ms, bucket } of rows) {
      const value = Number(ms);
      if (value === 0) expect(bucket).toBe(-1);
      else {
        expect(2 ** (bucket / 8)).toBeLessThanOrEqual(value * (1 + 1e-12));
        expect(2 ** ((bucket + 1) / 8)).toBeGreaterThan(value);
      }
    }
  });
});
