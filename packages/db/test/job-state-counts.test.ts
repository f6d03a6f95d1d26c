// The per-state counters jobs.stats reads are kept by triggers on "Job": after any mix of inserts,
// state changes (both ways between active and retrying, concurrently), moves between queues and
// deletes, they equal a count of the records themselves.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedDatabase } from './scratch-database.ts';

const url = migratedDatabase('countstest');
let pool: pg.Pool;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: url, max: 8 });
  // Dropping the database ends its connections; an idle client of the pool hears that as an error.
  pool.on('error', () => {});
});

afterAll(async () => {
  await pool?.end();
});

const insert = (id: string, state: string, queue = 'sync') =>
  pool.query(
    `INSERT INTO "Job" ("id", "type", "queue", "state", "input", "requestedBy", "maxAttempts", "updatedAt") VALUES ($1, 'data.sync', $2, $3, '{}', 'test', 1, now())`,
    [id, queue, state],
  );
const update = (id: string, set: string, value: string) =>
  pool.query(`UPDATE "Job" SET "${set}" = $2 WHERE "id" = $1`, [id, value]);

async function countersAndTruth() {
  const counters = await pool.query(
    `SELECT "type", "queue", "state"::text, "count"::int FROM "JobStateCount" WHERE "count" <> 0 ORDER BY 1, 2, 3`,
  );
  const truth = await pool.query(
    `SELECT "type", "queue", "state"::text, count(*)::int AS "count" FROM "Job" GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  );
  return { counters: counters.rows, truth: truth.rows };
}

describe('the job state counters', () => {
  it('equal the records after inserts, moves, concurrent flips between active and retrying, and deletes', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `job-${i}`);
    await Promise.all(ids.map((id) => insert(id, 'waiting')));
    await Promise.all(ids.map((id) => update(id, 'state', 'active')));
    // Half go active → retrying while the other half go retrying → active, all at once, several times.
    for (let round = 0; round < 5; round++) {
      await Promise.all(ids.map((id, i) => update(id, 'state', (i + round) % 2 ? 'retrying' : 'active')));
    }
    await Promise.all(ids.slice(0, 10).map((id) => update(id, 'state', 'completed')));
    await update('job-11', 'queue', 'webhooks');
    await update('job-12', 'state', 'active'); // no change of state: no count either
    await pool.query(`DELETE FROM "Job" WHERE "id" = ANY($1)`, [ids.slice(30)]);
    const { counters, truth } = await countersAndTruth();
    expect(counters).toEqual(truth);
    expect(truth.reduce((sum, row) => sum + row.count, 0)).toBe(30);
  });

  it('keep superseded records apart, as they are marked, moved, unmarked and deleted', async () => {
    const ids = Array.from({ length: 6 }, (_, i) => `superseded-${i}`);
    await Promise.all(ids.map((id) => insert(id, 'failed', 'hooks')));
    await Promise.all(ids.slice(0, 4).map((id) => update(id, 'supersededAt', new Date().toISOString())));
    await update('superseded-1', 'state', 'cancelled'); // a superseded record changing state takes its mark along
    await update('superseded-2', 'queue', 'other');
    await pool.query(`UPDATE "Job" SET "supersededAt" = NULL WHERE "id" = 'superseded-3'`);
    await pool.query(`DELETE FROM "Job" WHERE "id" IN ('superseded-0', 'superseded-5')`);
    const counters = await pool.query(
      `SELECT "queue", "state"::text, "count"::int, "superseded"::int FROM "JobStateCount"
        WHERE "queue" IN ('hooks', 'other') AND "count" <> 0 ORDER BY 1, 2`,
    );
    const truth = await pool.query(
      `SELECT "queue", "state"::text, count(*)::int AS "count", count("supersededAt")::int AS "superseded" FROM "Job"
        WHERE "queue" IN ('hooks', 'other') GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    expect(counters.rows).toEqual(truth.rows);
    expect(truth.rows.reduce((sum, row) => sum + row.superseded, 0)).toBe(2);
  });
});
