// What search reads is kept by a trigger on "Job": the search text follows every write of the
// fields it is made of, the wait time follows the start, and no term matches across two fields.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedDatabase } from './scratch-database.ts';

const url = migratedDatabase('searchtext');
let pool: pg.Pool;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => {});
});

afterAll(async () => {
  await pool?.end();
});

async function row(id: string) {
  const { rows } = await pool.query<{ searchText: string; waitMs: number | null; runMs: number | null }>(
    `SELECT "searchText", "waitMs", "runMs" FROM "Job" WHERE "id" = $1`,
    [id],
  );
  return rows[0];
}

const matches = async (pattern: string) =>
  (await pool.query(`SELECT "id" FROM "Job" WHERE "searchText" ILIKE $1 ORDER BY "id"`, [pattern])).rows.map(
    (r: { id: string }) => r.id,
  );

describe('the search text and wait time', () => {
  it('are set at insert, and follow the error, the input text and the start', async () => {
    await pool.query(
      `INSERT INTO "Job" ("id", "type", "queue", "state", "input", "requestedBy", "maxAttempts", "createdAt", "runAt", "inputText", "updatedAt")
       VALUES ('webhook.deliver-1', 'webhook.deliver', 'webhooks', 'waiting', '{}', 'ops@example.test', 3,
               '2026-11-29 10:00:00', '2026-11-29 10:00:05', E'customerId\\nacme-42', now())`,
    );
    expect(await row('webhook.deliver-1')).toEqual({
      searchText: 'webhook.deliver-1\nwebhook.deliver\nops@example.test\ncustomerId\nacme-42',
      waitMs: null,
      runMs: null,
    });

    await pool.query(
      `UPDATE "Job" SET "state" = 'failed', "startedAt" = '2026-11-29 10:00:07.250', "finishedAt" = '2026-11-29 10:00:09',
              "error" = 'HTTP 503 from receiver' WHERE "id" = 'webhook.deliver-1'`,
    );
    expect(await row('webhook.deliver-1')).toMatchObject({
      searchText: expect.stringContaining('\nHTTP 503 from receiver\n'),
      // Due at runAt (10:00:05), started 10:00:07.250.
      waitMs: 2_250,
      runMs: 1_750,
    });

    await pool.query(`UPDATE "Job" SET "inputText" = 'customerId\nglobex-7' WHERE "id" = 'webhook.deliver-1'`);
    expect(await matches('%globex%')).toEqual(['webhook.deliver-1']);
    expect(await matches('%acme-42%')).toEqual([]);
  });

  it('matches no term across two fields', async () => {
    await pool.query(
      `INSERT INTO "Job" ("id", "type", "queue", "state", "input", "requestedBy", "maxAttempts", "updatedAt", "inputText")
       VALUES ('data.sync-2', 'data.sync', 'sync', 'waiting', '{}', 'alice', 1, now(), 'source')`,
    );
    expect(await matches('%data.sync%alice%')).toEqual(['data.sync-2']);
    expect(await matches('%data.sync alice%')).toEqual([]);
    expect(await matches('%alice source%')).toEqual([]);
  });

  it('uses the trigram index for a term', async () => {
    await pool.query(`SET enable_seqscan = off`);
    const { rows } = await pool.query(`EXPLAIN SELECT "id" FROM "Job" WHERE "searchText" ILIKE '%acme-42%'`);
    await pool.query(`RESET enable_seqscan`);
    expect(rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n')).toContain('Job_searchText_idx');
  });
});
