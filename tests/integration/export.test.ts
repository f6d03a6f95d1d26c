// Exports of a search, asked of the running API as the dashboard asks: each format downloaded
// directly and read back by a real parser (csv-parse, JSON, exceljs) matches the search (ids in
// order, the chosen fields, input redacted, logs in or out); CSV cells that a spreadsheet would run are
// escaped; the roles and tickets hold; a search past the direct limit runs as a jobs.export job whose
// file only its owner (or an admin) downloads.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSql, type Sql } from '@jobdeck/db';
import { parseEncryptionKeys } from '../../packages/workflows/src/codec/keys';
import { deleteExpiredExports } from '../../packages/workflows/src/export/files';
import { normaliseRequest, writeXlsxExport } from '../../packages/workflows/src/export';
import { createTicketCodec } from '../../apps/api/src/exports/tickets';
import { hashToken } from '../../apps/api/src/auth/tokens';
import { clientAs, db, env, eventually, waitForState } from '../support/harness';
import type { JobdeckClient } from '@jobdeck/api/client';
import { readBack } from '../support/export-readback';

const RUN = randomBytes(3).toString('hex');
/** Types of this file's own records: nothing else in the shared database matches them. */
const TYPE = `xport${RUN}.seed`;
const BIG_TYPE = `xport${RUN}.bulk`;
const SEEDS = 30;
const BIG = 10_050;
const SECRET = `sk_live_${RUN}SECRETVALUE123`;
const PASSWORD = `hunter2-${RUN}-pw`;
const LOG_TOKEN = `ghp_${RUN}abcdefghijklmnopqrstuvwxyz`;
const FIELDS = ['id', 'type', 'state', 'priority', 'createdAt', 'runMs', 'resultSummary', 'error'] as const;
const SEARCH = { types: [TYPE], sort: 'created' as const, order: 'asc' as const };

let sql: Sql;
let viewer: { client: JobdeckClient; token: string };
let otherViewer: { client: JobdeckClient; token: string };
let operator: { client: JobdeckClient; token: string };
let expectedIds: string[];

beforeAll(async () => {
  sql = createSql(env.databaseUrl, { maxConnections: 2 });
  [viewer, otherViewer, operator] = await Promise.all([clientAs('viewer'), clientAs('viewer'), clientAs('operator')]);
  // Known records: every third with a secret in its input, a formula-looking error, a summary that
  // needs CSV quoting; logs on the first five, one carrying a token.
  await sql.query(
    `INSERT INTO "Job" ("id", "type", "queue", "state", "priority", "input", "requestedBy", "maxAttempts",
                        "error", "resultSummary", "createdAt", "startedAt", "finishedAt", "updatedAt")
     SELECT $1 || '-' || lpad(n::text, 3, '0'), $2, 'xport', CASE WHEN n % 2 = 0 THEN 'failed' ELSE 'completed' END::"JobState",
            1 + n % 4,
            jsonb_build_object('customer', 'acme-' || n, 'apiKey', $3::text, 'url', 'https://bob:' || $4 || '@example.test/x'),
            'test', 3,
            CASE WHEN n % 2 = 0 THEN '=HYPERLINK("http://evil.test","click") ' || n END,
            'rows: ' || n || ', "quoted", line' || chr(10) || 'two',
            timestamp '2026-01-01' + n * interval '1 minute',
            timestamp '2026-01-01' + n * interval '1 minute' + interval '1 second',
            timestamp '2026-01-01' + n * interval '1 minute' + interval '1 second' + n * interval '10 milliseconds',
            now()
       FROM generate_series(1, $5::int) AS n`,
    [`xport${RUN}`, TYPE, SECRET, PASSWORD, SEEDS],
  );
  await sql.query(
    `INSERT INTO "JobLog" ("jobId", "level", "message", "attempt")
     SELECT $1 || '-' || lpad(n::text, 3, '0'), 'info', 'step ' || k || ' with Authorization: Bearer ' || $2, 1
       FROM generate_series(1, 5) AS n, generate_series(1, 3) AS k`,
    [`xport${RUN}`, LOG_TOKEN],
  );
  expectedIds = (
    await sql.query<{ id: string }>(`SELECT "id" FROM "Job" WHERE "type" = $1 ORDER BY "createdAt", "id"`, [TYPE])
  ).rows.map((row) => row.id);
});

afterAll(async () => {
  await sql?.query(`DELETE FROM "Job" WHERE "type" = $1`, [TYPE]);
  await withoutTriggers(`DELETE FROM "Job" WHERE "type" = $1`, [BIG_TYPE]);
  await sql?.end();
});

/**
 * Many filler records at once, past the per-row triggers (counts by state, rollups, derived fields):
 * they would make 10,000 inserts take half a minute, and these records are only ever exported.
 * Deleted the same way, so that the counts never see them.
 */
async function withoutTriggers(text: string, values: unknown[]): Promise<void> {
  const client = await sql.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL session_replication_role = replica');
    await client.query(text, values);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

async function download(url: string, token: string) {
  const response = await fetch(`${env.apiUrl}${url}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

async function directExport(
  format: 'csv' | 'json' | 'ndjson' | 'xlsx',
  options: { withInput?: boolean; withLogs?: boolean; fields?: readonly string[] } = {},
  who = viewer,
) {
  const answer = await who.client.exports.create.mutate({
    search: SEARCH,
    format,
    fields: [...(options.fields ?? FIELDS)] as never,
    withInput: options.withInput ?? true,
    withLogs: options.withLogs ?? true,
  });
  if (answer.mode !== 'download') throw new Error(`expected a direct download, got ${JSON.stringify(answer)}`);
  const file = await download(answer.url, who.token);
  expect(file.status).toBe(200);
  expect(file.headers.get('content-disposition')).toMatch(
    new RegExp(`^attachment; filename="jobs-[0-9-]+\\.${format}"$`),
  );
  return file;
}

describe('exports', () => {
  it.each(['csv', 'json', 'ndjson', 'xlsx'] as const)(
    'a direct %s export read back by a real parser matches the search, input redacted, logs included',
    async (format) => {
      const { rows, text } = await readBack(format, (await directExport(format)).body);
      expect(rows.map((row) => row.id)).toEqual(expectedIds);
      // The chosen fields and nothing else (input and logs asked for).
      expect(Object.keys(rows[0]!).sort()).toEqual([...FIELDS, 'input', 'logs'].sort());
      // No secret anywhere in the file, in any format; the input is there, redacted.
      for (const secret of [SECRET, PASSWORD, LOG_TOKEN]) expect(text).not.toContain(secret);
      const input = (row: Record<string, unknown>) =>
        typeof row.input === 'string'
          ? (JSON.parse(row.input) as Record<string, string>)
          : (row.input as Record<string, string>);
      expect(input(rows[0]!)).toMatchObject({ customer: 'acme-1', apiKey: '[redacted]' });
      expect(input(rows[0]!).url).toContain('[redacted]');
      // Values as the record holds them: dates as ISO text, durations in ms, priority by name.
      const first = rows[0]!;
      expect(first.createdAt).toBe('2026-01-01T00:01:00.000Z');
      expect(Number(first.runMs)).toBe(10);
      expect(first.priority).toBe('high');
      expect(first.state).toBe('completed');
      expect(String(rows[1]!.resultSummary)).toBe('rows: 2, "quoted", line\ntwo');
      // Logs: three per job on the first five, the token in them redacted.
      const logs = (row: Record<string, unknown>) =>
        (typeof row.logs === 'string' ? JSON.parse(row.logs) : row.logs) as Array<{ message: string }>;
      expect(logs(rows[0]!)).toHaveLength(3);
      expect(logs(rows[0]!)[0]!.message).toMatch(/^step 1 with Authorization: .*\[redacted\]$/);
      expect(logs(rows[10]!)).toEqual([]);
      // An error cell: a formula in a spreadsheet, so CSV quote-prefixes it; the other formats keep it as text.
      const error = String(rows[1]!.error);
      expect(error).toBe(
        format === 'csv' ? `'=HYPERLINK("http://evil.test","click") 2` : `=HYPERLINK("http://evil.test","click") 2`,
      );
    },
  );

  it('leaves the input and logs out unless asked, and writes only the chosen fields', async () => {
    for (const format of ['csv', 'ndjson', 'xlsx'] as const) {
      const { rows } = await readBack(
        format,
        (await directExport(format, { withInput: false, withLogs: false, fields: ['state', 'id'] })).body,
      );
      expect(rows.map((row) => row.id)).toEqual(expectedIds);
      // Written in the vocabulary's order, whatever order they were asked in.
      expect(Object.keys(rows[0]!)).toEqual(['id', 'state']);
    }
  });

  it('writes a CSV header and RFC 4180 quoting, formulas quote-prefixed', async () => {
    const text = (await directExport('csv', { withInput: false, withLogs: false })).body.toString('utf8');
    const lines = text.split('\r\n');
    expect(lines[0]).toBe(`\uFEFF${FIELDS.join(',')}`);
    expect(text).toContain(`"'=HYPERLINK(""http://evil.test"",""click"") 2"`);
    expect(text).toContain(`"rows: 2, ""quoted"", line\ntwo"`);
  });

  it('writes a Summary sheet with counts by state and type and duration statistics', async () => {
    const { summary } = (await readBack('xlsx', (await directExport('xlsx')).body)) as unknown as {
      summary: ExcelJS.Worksheet;
    };
    const rows: unknown[][] = [];
    summary.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows).toContainEqual(['Jobs exported', SEEDS]);
    expect(rows).toContainEqual(['completed', SEEDS / 2]);
    expect(rows).toContainEqual(['failed', SEEDS / 2]);
    expect(rows).toContainEqual([TYPE, SEEDS]);
    // runMs is 10 ms × n for n = 1..30: min 10, max 300, avg 155, p50 155, p95 285.5 (rounded 286).
    expect(rows).toContainEqual(['runMs', SEEDS, 10, 155, 155, 286, 300]);
  });

  it('continues a full xlsx sheet in the next one, header included', async () => {
    const chunks: Buffer[] = [];
    const out = new PassThrough();
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    const request = normaliseRequest({ search: SEARCH, format: 'xlsx', fields: ['id'], withLogs: true });
    // Eleven rows a sheet (a header and ten): 30 jobs in three Jobs sheets, 15 log lines in two Logs sheets.
    await writeXlsxExport(sql, request, out, { maxSheetRows: 11 });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((sheet) => [sheet.name, sheet.actualRowCount])).toEqual([
      ['Jobs', 11],
      ['Jobs 2', 11],
      ['Jobs 3', 11],
      ['Summary', expect.any(Number)],
      ['Logs', 11],
      ['Logs 2', 6],
    ]);
    expect(workbook.getWorksheet('Jobs 3')!.getRow(1).values).toEqual([undefined, 'id']);
    expect(workbook.getWorksheet('Jobs 3')!.getRow(11).values).toEqual([undefined, expectedIds[29]]);
  });

  it('binds a download link to whoever asked for it, for five minutes', async () => {
    const answer = await viewer.client.exports.create.mutate({ search: SEARCH, format: 'csv' });
    if (answer.mode !== 'download') throw new Error('expected a direct download');
    const replayed = await download(answer.url, otherViewer.token);
    expect(replayed.status).toBe(403);
    expect(replayed.body.toString()).toMatch(/made for someone else/);
    expect((await fetch(`${env.apiUrl}${answer.url}`)).status).toBe(401);
    // A ticket signed by this install for the viewer, five minutes and one second old.
    const key = parseEncryptionKeys(env.encryptionKeys).current.key;
    const tokenId = (await db.apiToken.findFirstOrThrow({ where: { tokenHash: hashToken(viewer.token) } })).id;
    const stale = createTicketCodec(key).issue(
      tokenId,
      { search: SEARCH, format: 'csv', fields: ['id'], withInput: false, withLogs: false },
      Date.now() - 5 * 60_000 - 1_000,
    );
    const expired = await download(`/exports/download?ticket=${stale}`, viewer.token);
    expect(expired.status).toBe(410);
    const forged = await download(`/exports/download?ticket=${stale.slice(0, -4)}AAAA`, viewer.token);
    expect(forged.status).toBe(400);
    // The download is in the audit trail.
    const audit = await db.auditLog.findMany({
      where: { action: 'exports.download', actor: { startsWith: 'token:' } },
    });
    expect(audit.length).toBeGreaterThan(0);
    expect(audit.every((row) => row.outcome !== 'pending')).toBe(true);
  });

  it('runs a search past 10,000 jobs as a jobs.export job: refused to a viewer, its file for its owner only', async () => {
    await withoutTriggers(
      `INSERT INTO "Job" ("id", "type", "queue", "state", "input", "requestedBy", "maxAttempts", "createdAt", "updatedAt")
       SELECT $1 || '-' || lpad(n::text, 6, '0'), $2, 'xport', 'completed', jsonb_build_object('n', n, 'token', $3::text),
              'test', 1, timestamp '2026-02-01' + n * interval '1 second', now()
         FROM generate_series(1, $4::int) AS n`,
      [`xportbig${RUN}`, BIG_TYPE, SECRET, BIG],
    );
    const search = { types: [BIG_TYPE], sort: 'created' as const, order: 'asc' as const };
    // Up to the direct limit, counted exactly, a viewer downloads directly: here 4,999 of them.
    const part = await viewer.client.exports.create.mutate({
      search: { ...search, created: { to: '2026-02-01T01:23:20.000Z' } },
      format: 'ndjson',
      fields: ['id'],
    });
    if (part.mode !== 'download') throw new Error(`expected a direct download, got ${JSON.stringify(part)}`);
    const partFile = await download(part.url, viewer.token);
    expect(partFile.body.toString().split('\n').filter(Boolean)).toHaveLength(4_999);

    await expect(viewer.client.exports.create.mutate({ search, format: 'csv' })).rejects.toThrow(
      /larger exports run as jobs, which operators start; you are viewer/,
    );

    const started = Date.now();
    const answer = await operator.client.exports.create.mutate({
      search,
      format: 'csv',
      fields: ['id', 'state'],
      withInput: true,
    });
    if (answer.mode !== 'job') throw new Error(`expected an export job, got ${JSON.stringify(answer)}`);
    const done = await eventually(
      'the export to complete',
      async () => {
        const view = await operator.client.exports.get.query({ id: answer.exportId });
        if (view.state === 'failed') throw new Error(`export failed: ${view.error}`);
        return view.state === 'completed' ? view : undefined;
      },
      90_000,
    );
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `jobs.export: ${BIG} rows in ${seconds.toFixed(1)} s (${Math.round(BIG / seconds)} rows/s with start-up)`,
    );
    expect(done).toMatchObject({ rows: BIG, totalRows: BIG, downloadUrl: `/exports/${answer.exportId}/file` });
    // The file is written (and its row completed) just before the job's own record says it ended.
    await waitForState(operator.client, answer.jobId, ['completed'], 30_000);

    const file = await download(done.downloadUrl!, operator.token);
    expect(file.status).toBe(200);
    expect(file.body.toString()).not.toContain(SECRET);
    const rows = parse(file.body, { columns: true, bom: true }) as Array<{ id: string; state: string; input: string }>;
    expect(rows).toHaveLength(BIG);
    expect(new Set(rows.map((row) => row.id)).size).toBe(BIG);
    expect(rows[0]!.id).toBe(`xportbig${RUN}-000001`);
    expect(JSON.parse(rows[0]!.input)).toEqual({ n: 1, token: '[redacted]' });

    // Someone else's export does not exist for them; an admin sees every export.
    expect((await download(done.downloadUrl!, otherViewer.token)).status).toBe(404);
    await expect(otherViewer.client.exports.get.query({ id: answer.exportId })).rejects.toThrow(/no export/);
    expect((await otherViewer.client.exports.list.query()).items.map((item) => item.id)).not.toContain(answer.exportId);
    const admin = await clientAs('admin');
    expect((await admin.client.exports.list.query({ limit: 100 })).items.map((item) => item.id)).toContain(
      answer.exportId,
    );
    expect((await download(done.downloadUrl!, admin.token)).status).toBe(200);

    // Expired: the link answers 410, and the clean-up deletes the file.
    await db.jobExport.update({ where: { id: answer.exportId }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    expect((await download(done.downloadUrl!, operator.token)).status).toBe(410);
    expect((await operator.client.exports.get.query({ id: answer.exportId })).downloadUrl).toBeNull();
    const audit = await db.auditLog.findMany({ where: { action: 'exports.file', target: answer.exportId } });
    expect(audit.length).toBeGreaterThanOrEqual(2);
    const path = join(env.storageDir, 'exports', `${answer.exportId}.csv`);
    expect(existsSync(path)).toBe(true);
    expect(await deleteExpiredExports({ db, storageDir: env.storageDir })).toMatchObject({
      expired: 1,
      filesDeleted: 1,
    });
    expect(existsSync(path)).toBe(false);
    expect((await operator.client.exports.get.query({ id: answer.exportId })).state).toBe('expired');
  });

  it('refuses a jobs.export job that exports.create did not start', async () => {
    const admin = await clientAs('admin');
    const job = await admin.client.jobs.enqueue.mutate({
      type: 'jobs.export',
      input: { exportId: '00000000-0000-4000-8000-000000000000' },
    });
    const failed = await eventually(
      'the stray export job to fail',
      async () => {
        const view = await admin.client.jobs.get.query({ id: job.id });
        return view.state === 'failed' ? view : undefined;
      },
      60_000,
    );
    expect(failed.error).toMatch(/was not started as this job: exports are started by exports.create/);
  });
});
