// Bytes Postgres cannot store, absurd input and forged cursors: each is a precise 4xx that changes
// nothing and is on the audit trail; nothing reaches Temporal that Postgres cannot hold.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildJobStart, keyedJobId } from '@jobdeck/workflows/control';
import { findJobType } from '@jobdeck/workflows';
import { clientAs, db, env, eventually, login, temporal, waitForState } from '../support/harness';
import type { JobdeckClient } from '@jobdeck/api/client';
import { apiInstance, call, raw, type ApiInstance } from './support';

let admin: string;
let operator: string;
let operatorClient: JobdeckClient;

beforeAll(async () => {
  admin = await login();
  ({ token: operator, client: operatorClient } = await clientAs('operator'));
});

async function workflowsMatching(marker: string) {
  // Inputs are encrypted in Temporal: what a request started is found through its record or its id.
  return (await temporal()).workflow.count(`WorkflowId STARTS_WITH '${marker}'`);
}

describe('text Postgres cannot store', () => {
  const NUL = '\u0000';
  const cases: Array<[string, string, 'admin' | 'operator', unknown, string]> = [
    [
      'jobs.enqueue',
      'a NUL in the input',
      'operator',
      { type: 'data.sync', input: { source: `a${NUL}b`, records: 1 } },
      'input.source',
    ],
    [
      'jobs.enqueue',
      'a NUL in a payload key',
      'operator',
      { type: 'webhook.deliver', input: { url: 'http://127.0.0.1:9/x', payload: { [`k${NUL}`]: 1 } } },
      'input.payload',
    ],
    [
      'jobs.enqueue',
      'a lone surrogate in the payload',
      'operator',
      { type: 'webhook.deliver', input: { url: 'http://127.0.0.1:9/x', payload: { note: 'a\ud800b' } } },
      'input.payload.note',
    ],
    [
      'jobs.enqueue',
      'a NUL in the idempotency key',
      'operator',
      { type: 'data.sync', input: { source: 'nul', records: 1 }, options: { idempotencyKey: `nul-key${NUL}` } },
      'options.idempotencyKey',
    ],
    ['queues.pause', 'a NUL in the note', 'operator', { queue: 'reports', note: `maintenance${NUL}` }, 'note'],
    [
      'schedules.create',
      'a NUL in the name',
      'admin',
      { name: `nightly${NUL}`, type: 'data.sync', input: { source: 'nul', records: 1 }, cron: ['0 3 * * *'] },
      'name',
    ],
    [
      'templates.create',
      'a NUL in the description',
      'admin',
      { name: 'nul template', description: `x${NUL}`, type: 'data.sync', input: { source: 'nul', records: 1 } },
      'description',
    ],
    [
      'users.create',
      'a NUL in the name',
      'admin',
      { email: 'nul-user@example.test', name: `Ann${NUL}`, role: 'viewer', password: 'unguessable lantern meadow' },
      'name',
    ],
    [
      'auth.login',
      'a NUL in the email',
      'admin',
      { email: `admin${NUL}@localhost`, password: 'whatever-it-is' },
      'email',
    ],
  ];

  it.each(cases)(
    '%s with %s answers 400 naming the field, changes nothing and is audited',
    async (path, _, role, input, field) => {
      const before = {
        jobs: await db.job.count(),
        templates: await db.jobTemplate.count(),
        users: await db.user.count(),
      };
      const token = role === 'admin' ? admin : operator;
      const answer = await call(env.apiUrl, path, { token: path === 'auth.login' ? undefined : token, input });
      expect(answer.status).toBe(400);
      expect(answer.json.error.message).toContain(field);
      expect(answer.json.error.message).toMatch(/NUL byte|surrogate/);
      expect({
        jobs: await db.job.count(),
        templates: await db.jobTemplate.count(),
        users: await db.user.count(),
      }).toEqual(before);
      const row = await db.auditLog.findFirst({ where: { action: path }, orderBy: { id: 'desc' } });
      expect(row).toMatchObject({ action: path, outcome: 'BAD_REQUEST' });
      expect(row!.error).toContain(field);
    },
  );

  it('leaves the queue running when its pause note holds a NUL', async () => {
    const queues = (await call(env.apiUrl, 'queues.list', { token: admin, query: true })).json.result.data as Array<{
      name: string;
      paused: boolean;
    }>;
    expect(queues.find((queue) => queue.name === 'reports')?.paused).toBe(false);
    expect(
      (await call(env.apiUrl, 'schedules.list', { token: admin, query: true })).json.result.data.some(
        (s: { name: string }) => s.name.startsWith('nightly'),
      ),
    ).toBe(false);
  });

  it('refuses a terminate reason with a NUL, and the job stays running and readable', async () => {
    const { id } = await operatorClient.jobs.enqueue.mutate({
      type: 'data.sync',
      input: { source: 'nul.terminate', records: 200, batchSize: 1, throttleMs: 50 },
    });
    const answer = await call(env.apiUrl, 'jobs.terminate', {
      token: operator,
      input: { id, reason: `stop\u0000now` },
    });
    expect(answer.status).toBe(400);
    const job = await operatorClient.jobs.get.query({ id });
    expect(['waiting', 'active']).toContain(job.state);
    await operatorClient.jobs.cancel.mutate({ id });
    expect((await waitForState(operatorClient, id, ['cancelled'])).state).toBe('cancelled');
  });

  it('refuses nesting deeper than any real job input, before it reaches anything recursive', async () => {
    // Written as text: even building it as an object and serialising it would overflow this test's own stack.
    const levels = 100_000;
    const deep = `${'{"a":'.repeat(levels)}"leaf"${'}'.repeat(levels)}`;
    const body = `{"type":"webhook.deliver","input":{"url":"http://127.0.0.1:9/x","payload":${deep}}}`;
    const answer = await raw(`${env.apiUrl}/trpc/jobs.enqueue`, {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${operator}` },
      body,
    });
    expect(answer.status).toBe(400);
    expect(answer.json.error.message).toMatch(/nested deeper than 32 levels/);
  });
});

describe('an action whose audit row cannot be written', () => {
  let restricted: ApiInstance;
  const role = `jobdeck_noaudit_${process.pid}`;

  beforeAll(async () => {
    // A database role that may do everything but add audit rows: the audit trail is "down".
    await db.$executeRawUnsafe(`DROP ROLE IF EXISTS ${role}`);
    await db.$executeRawUnsafe(`CREATE ROLE ${role} LOGIN`);
    await db.$executeRawUnsafe(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
    await db.$executeRawUnsafe(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
    await db.$executeRawUnsafe(`REVOKE INSERT ON "AuditLog" FROM ${role}`);
    const url = new URL(env.databaseUrl);
    url.username = role;
    url.password = '';
    restricted = await apiInstance({ DATABASE_URL: url.toString() });
  });

  afterAll(async () => {
    await restricted.close();
    await db.$executeRawUnsafe(`REASSIGN OWNED BY ${role} TO CURRENT_USER`);
    await db.$executeRawUnsafe(`DROP OWNED BY ${role}`);
    await db.$executeRawUnsafe(`DROP ROLE IF EXISTS ${role}`);
  });

  it('is not carried out: 503, no workflow, no record', async () => {
    const key = `no-audit-${Date.now()}`;
    const answer = await call(restricted.url, 'jobs.enqueue', {
      token: operator,
      input: { type: 'data.sync', input: { source: 'no.audit', records: 1 }, options: { idempotencyKey: key } },
    });
    expect(answer.status).toBe(503);
    expect(answer.json.error.message).toMatch(/audit trail cannot be written.*nothing was done/);
    const id = keyedJobId('data.sync', key);
    expect((await workflowsMatching(id)).count).toBe(0);
    expect(await db.job.count({ where: { id } })).toBe(0);
    // Reads are not audited and still work.
    expect((await call(restricted.url, 'jobs.stats', { token: operator, query: true })).status).toBe(200);
  });
});

describe('bookkeeping that cannot succeed', () => {
  it('never blocks the work: the job runs, is recorded as near as it can be, and an alert says what could not be', async () => {
    // A start made around the API (an older client, a script) whose record Postgres refuses as given:
    // its idempotency key already belongs to another job.
    const key = `taken-${Date.now()}`;
    await operatorClient.jobs.enqueue.mutate({
      type: 'data.sync',
      input: { source: 'key.owner', records: 1 },
      options: { idempotencyKey: key },
    });
    const jobType = findJobType('data.sync')!;
    const id = `data.sync-around-the-api-${Date.now()}`;
    const { workflowOptions } = buildJobStart({
      jobType,
      id,
      input: { source: 'key.thief', records: 1, batchSize: 1, throttleMs: 0 },
      options: { priority: 'normal', idempotencyKey: key },
      requestedBy: { name: 'hostile-test', role: 'operator' },
      now: new Date(),
    });
    const handle = await (
      await temporal()
    ).workflow.start(jobType.workflowType, { ...workflowOptions, workflowId: id });
    await handle.result();
    const history = await handle.fetchHistory();
    const attempts = history
      .events!.filter((event) => event.activityTaskStartedEventAttributes)
      .map((event) => event.activityTaskStartedEventAttributes!.attempt);
    expect(attempts).toEqual([1]);
    const record = await eventually(
      'the record and its alert',
      async () => {
        const row = await db.job.findUnique({ where: { id }, include: { alerts: true } });
        return row?.state === 'completed' && row.alerts.length ? row : undefined;
      },
      15_000,
    );
    expect(record.idempotencyKey).toBeNull();
    expect(record.alerts[0]).toMatchObject({ kind: 'bookkeeping', severity: 'high', resolvedAt: null });
    expect(record.alerts[0]!.message).toMatch(/idempotency key .* another job already holds/);
  });

  it('stores what a receiver answered even when it is not text Postgres can hold', async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () =>
        res.writeHead(200, { 'content-type': 'text/plain' }).end(Buffer.from('ok \u0000 then \ud800 done', 'utf8')),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const { id } = await operatorClient.jobs.enqueue.mutate({
        type: 'webhook.deliver',
        input: { url, payload: { event: 'nul.answer' } },
      });
      const job = await waitForState(operatorClient, id, ['completed', 'failed'], 30_000);
      expect(job.state).toBe('completed');
      expect(job.attempts).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('bad input that used to answer 5xx', () => {
  it('refuses a forged list cursor at once with 400', async () => {
    for (const cursor of [
      'x',
      'dGhpcyBpcyBub3QgYSB0b2tlbg',
      'tAAAA.AAAAAAAAAAAAAAAAAAAAAA',
      'p100.AAAAAAAAAAAAAAAAAAAAAA',
    ]) {
      const answer = await call(env.apiUrl, 'jobs.list', { token: operator, query: true, input: { cursor } });
      expect(answer.status).toBe(400);
      expect(answer.ms).toBeLessThan(2_000);
      expect(answer.json.error.message).toMatch(/cursor/);
    }
    // A cursor the API gave out still pages.
    await operatorClient.jobs.enqueue.mutate({ type: 'data.sync', input: { source: 'cursor.a', records: 1 } });
    await operatorClient.jobs.enqueue.mutate({ type: 'data.sync', input: { source: 'cursor.b', records: 1 } });
    const first = await call(env.apiUrl, 'jobs.list', { token: operator, query: true, input: { limit: 1 } });
    const second = await call(env.apiUrl, 'jobs.list', {
      token: operator,
      query: true,
      input: { limit: 1, cursor: first.json.result.data.nextCursor },
    });
    expect(second.status).toBe(200);
    expect(second.json.result.data.items[0].id).not.toBe(first.json.result.data.items[0].id);
  });

  it('refuses an audit cursor past the row id range with 400', async () => {
    const answer = await call(env.apiUrl, 'audit.list', {
      token: admin,
      query: true,
      input: { cursor: '123456789012345678901234567890' },
    });
    expect(answer.status).toBe(400);
  });

  it('refuses a filter it does not know instead of ignoring it, but takes the key react-query adds', async () => {
    const unknown = await call(env.apiUrl, 'jobs.list', { token: operator, query: true, input: { search: 'webhook' } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toMatch(/search/);
    expect(
      (await call(env.apiUrl, 'jobs.list', { token: operator, query: true, input: { direction: 'forward' } })).status,
    ).toBe(200);
    expect(
      (await call(env.apiUrl, 'alerts.list', { token: operator, query: true, input: { severity: 'high' } })).status,
    ).toBe(400);
  });

  it('refuses a timeout the record cannot hold, and records the longest one it accepts (the fuzzer found it)', async () => {
    const tooLong = await call(env.apiUrl, 'jobs.enqueue', {
      token: operator,
      input: { type: 'data.sync', input: { source: 'long', records: 1 }, options: { timeoutMs: 30 * 86_400_000 } },
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.error.message).toMatch(/options\.timeoutMs: timeoutMs is at most 24 days/);
    const longest = await operatorClient.jobs.enqueue.mutate({
      type: 'data.sync',
      input: { source: 'long', records: 1 },
      options: { timeoutMs: 24 * 86_400_000 },
    });
    expect((await db.job.findUniqueOrThrow({ where: { id: longest.id } })).timeoutMs).toBe(24 * 86_400_000);
    await waitForState(operatorClient, longest.id, ['completed']);
  });

  it('refuses a run time centuries ahead', async () => {
    const answer = await call(env.apiUrl, 'jobs.enqueue', {
      token: operator,
      input: { type: 'data.sync', input: { source: 'far', records: 1 }, options: { runAt: '9999-12-31T00:00:00Z' } },
    });
    expect(answer.status).toBe(400);
    expect(answer.json.error.message).toMatch(/options\.runAt: runAt must be at most 365 days ahead/);
  });

  it('keeps an anonymous caller from storing a huge field on the audit trail', async () => {
    const email = `${'x'.repeat(900_000)}@example.test`;
    const answer = await call(env.apiUrl, 'auth.login', { input: { email, password: 'whatever-it-is' } });
    expect(answer.status).toBe(400);
    const row = await db.auditLog.findFirst({ where: { action: 'auth.login' }, orderBy: { id: 'desc' } });
    expect(JSON.stringify(row!.params).length).toBeLessThan(9_000);
    expect((row!.error ?? '').length).toBeLessThanOrEqual(2_000);
    expect(row!.actor.length).toBeLessThanOrEqual(254);
  });
});

describe('our own failures', () => {
  let broken: ApiInstance;
  beforeAll(async () => {
    broken = await apiInstance();
    // A fault deep inside: its message and stack carry server paths, which must stay in the log.
    broken.services.cache.remember = async () => {
      throw new Error('stats exploded at /work/main/apps/api/src/jobs/read.ts:123:45 (token=abc123)');
    };
  });
  afterAll(() => broken.close());

  it('answer 500 with a reference, never a path, a source line or a secret', async () => {
    const answer = await call(broken.url, 'jobs.stats', { token: operator, query: true });
    expect(answer.status).toBe(500);
    expect(answer.json.error.message).toMatch(
      /^internal error \(reference [0-9a-f]{8}\); the server log has the details$/,
    );
    expect(answer.text).not.toMatch(/\/work\/|read\.ts|abc123|\bat /);
  });
});

describe('the server', () => {
  it('is still healthy after all of this', async () => {
    await eventually('a healthy API', async () => (await fetch(`${env.apiUrl}/healthz`)).status === 200);
  });
});
