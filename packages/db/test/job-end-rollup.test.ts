// The rollup of ended jobs (JobRollup, read here at its minute grain, as the overview's throughput
// reads it) is kept by a trigger on "Job": a job counts once, in the minute it ended, whichever
// writer (API, worker, reconciler) moved its record to a final state, and however often the record
// is written afterwards.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedDatabase } from './scratch-database.ts';

const url = migratedDatabase('rolluptest');
let client: pg.Client;

beforeAll(async () => {
  client = new pg.Client({ connectionString: url });
  await client.connect();
  // Whatever the session's zone, minutes are UTC minutes of "finishedAt" (written in UTC by Prisma).
  await client.query(`SET TimeZone = 'America/St_Johns'`);
});

afterAll(async () => {
  await client?.end();
});

async function insert(id: string, state: string, finishedAt: string | null = null, queue = 'sync') {
  await client.query(
    `INSERT INTO "Job" ("id", "type", "queue", "state", "input", "requestedBy", "maxAttempts", "finishedAt", "updatedAt")
     VALUES ($1, 'data.sync', $2, $3, '{}', 'test', 1, $4, now())`,
    [id, queue, state, finishedAt],
  );
}
const update = (id: string, state: string, finishedAt: string | null = null) =>
  client.query(`UPDATE "Job" SET "state" = $2, "finishedAt" = COALESCE($3, "finishedAt") WHERE "id" = $1`, [
    id,
    state,
    finishedAt,
  ]);

async function rollup() {
  const { rows } = await client.query(
    `SELECT to_char("bucketStart" AT TIME ZONE 'UTC', 'HH24:MI') AS minute, "queue", "outcome"::text, sum("count")::int AS "count"
       FROM "JobRollup" WHERE "grain" = 'minute' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  );
  return rows;
}

describe('the rollup of ended jobs', () => {
  it('counts a job once, when its record first reaches a final state, in the minute it finished', async () => {
    await insert('a', 'waiting');
    await update('a', 'active');
    await update('a', 'retrying');
    expect(await rollup()).toEqual([]);
    await update('a', 'completed', '2026-11-29 10:05:59.999');
    await update('a', 'completed'); // written again by another writer
    await update('a', 'failed'); // corrected from one final state to another
    await insert('b', 'timed_out', '2026-11-29 10:05:01');
    await client.query(
      `INSERT INTO "Job" ("id", "type", "queue", "state", "input", "requestedBy", "maxAttempts", "finishedAt", "updatedAt")
       VALUES ('c', 'data.sync', 'other', 'completed', '{}', 'test', 1, '2026-11-29 10:06:00', now())
       ON CONFLICT ("id") DO UPDATE SET "state" = EXCLUDED."state"`,
    );
    await insert('d', 'delayed');
    await client.query(`UPDATE "Job" SET "progressPercent" = 50 WHERE "id" = 'd'`);
    expect(await rollup()).toEqual([
      { minute: '10:05', queue: 'sync', outcome: 'completed', count: 1 },
      { minute: '10:05', queue: 'sync', outcome: 'timed_out', count: 1 },
      { minute: '10:06', queue: 'other', outcome: 'completed', count: 1 },
    ]);
  });

  it('adds up jobs that end in the same minute', async () => {
    for (const id of ['e', 'f', 'g']) await insert(id, 'active');
    for (const id of ['e', 'f', 'g']) await update(id, 'completed', '2026-11-29 10:05:30');
    expect((await rollup()).find((row) => row.minute === '10:05' && row.outcome === 'completed')?.count).toBe(4);
  });
});
