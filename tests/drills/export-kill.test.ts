// Drill: the worker is SIGKILLed in the middle of a large jobs.export (100,000 jobs with their input,
// as NDJSON), then restarted. The export resumes from its last heartbeat (the part file cut back to the
// bytes it recorded, the search continued after the position it recorded) and completes once: one
// file, every matching job in it exactly once, in the search's order.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { until } from '../support/drill-stack';
import { report } from '../support/drill-checks';
import { useDrill } from '../support/drill-setup';

const JOBS = 100_000;
const TYPE = 'drill.export';

const drill = useDrill({ name: 'export-kill' });

async function query<Row extends object>(text: string, values: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: drill.stack.pg.url });
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('drill: worker SIGKILLed mid-export', () => {
  it('resumes the export where its last heartbeat left it and writes every job exactly once', async () => {
    const { stack, client, token, worker, api } = drill;
    const seeded = Date.now();
    // Past the per-row triggers (counts, rollups, derived fields), which would make this take minutes:
    // these records are only ever exported.
    await query(
      `BEGIN;
       SET LOCAL session_replication_role = replica;
       INSERT INTO "Job" ("id", "type", "queue", "state", "input", "requestedBy", "maxAttempts", "createdAt", "updatedAt")
       SELECT 'drill-export-' || lpad(n::text, 6, '0'), '${TYPE}', 'drill', 'completed', jsonb_build_object('n', n),
              'drill', 1, timestamp '2026-03-01' + n * interval '1 second', now()
         FROM generate_series(1, ${JOBS}) AS n;
       COMMIT;
       ANALYZE "Job";`,
    );
    const seedMs = Date.now() - seeded;
    console.log(`drill export: ${JOBS} jobs seeded in ${seedMs} ms`);

    const started = Date.now();
    const answer = await client.exports.create.mutate({
      search: { types: [TYPE], sort: 'created', order: 'asc' },
      format: 'ndjson',
      fields: ['id', 'state', 'createdAt'],
      withInput: true,
    });
    if (answer.mode !== 'job') throw new Error(`expected an export job, got ${JSON.stringify(answer)}`);
    const exportRow = async () =>
      (
        await query<{ state: string; rows: number; fileName: string | null; error: string | null }>(
          `SELECT "state"::text AS "state", "rows", "fileName", "error" FROM "JobExport" WHERE "id" = $1`,
          [answer.exportId],
        )
      )[0]!;

    // Killed once some pages are written (and their progress heartbeated), well before the end.
    await until('the export to be under way', async () => (await exportRow()).rows >= 5_000, 60_000, 50);
    const atKill = await exportRow();
    worker.child.kill('SIGKILL');
    await worker.exited;
    const killedAt = Date.now();
    console.log(`drill export: worker killed at ${atKill.rows} rows`);
    await stack.startWorker();

    await until(
      'the export to complete',
      async () => {
        const row = await exportRow();
        if (row.state === 'failed') throw new Error(`the export failed: ${row.error}`);
        return row.state === 'completed';
      },
      120_000,
      200,
    );
    const completedAt = Date.now();
    const row = await exportRow();

    // One file, no part file left behind.
    expect(readdirSync(join(stack.storageDir, 'exports'))).toEqual([`${answer.exportId}.ndjson`]);
    const response = await fetch(`${api.url}/exports/${answer.exportId}/file`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    const lines = (await response.text()).split('\n').filter(Boolean);
    const jobs = lines.map((line) => JSON.parse(line) as { id: string; input: { n: number } });
    const ids = jobs.map((job) => job.id);
    const expected = (
      await query<{ id: string }>(`SELECT "id" FROM "Job" WHERE "type" = $1 ORDER BY "createdAt", "id"`, [TYPE])
    ).map((job) => job.id);
    const written = new Set(ids);
    const duplicates = ids.length - written.size;
    const missing = expected.filter((id) => !written.has(id));

    // The second attempt resumed rather than starting over.
    const logs = await query<{ message: string; attempt: number }>(
      `SELECT "message", "attempt" FROM "JobLog" WHERE "jobId" = $1 ORDER BY "id"`,
      [answer.jobId],
    );
    const resumed = logs.find((log) => /^resuming the export at row \d+/.test(log.message));
    const figures = {
      seeded: JOBS,
      seedMs,
      rowsAtKill: atKill.rows,
      secondsToKill: Math.round((killedAt - started) / 100) / 10,
      secondsKillToComplete: Math.round((completedAt - killedAt) / 100) / 10,
      resumedAt: resumed?.message ?? null,
      fileRows: ids.length,
      duplicates,
      missing: missing.length,
    };
    report('drill export', 'worker SIGKILL mid-export', figures, { missing });

    expect(atKill.rows).toBeLessThan(JOBS);
    expect(row).toMatchObject({ state: 'completed', rows: JOBS });
    expect(duplicates).toBe(0);
    expect(missing).toEqual([]);
    expect(ids).toEqual(expected);
    expect(resumed?.attempt).toBeGreaterThanOrEqual(2);
    expect(jobs[99]!.input).toEqual({ n: 100 });
    // The job's own record says it ended just after the export's row does.
    await until(
      'the export job to be recorded completed',
      async () => (await client.jobs.get.query({ id: answer.jobId })).state === 'completed',
      30_000,
    );
  });
});
