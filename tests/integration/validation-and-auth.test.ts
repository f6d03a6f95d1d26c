import { beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '@jobdeck/api';
import { clientAs, db, http, login, temporal } from '../support/harness';

let adminToken: string;
let operatorToken: string;
let viewerToken: string;

async function counts() {
  const client = await temporal();
  const [jobs, workflows] = await Promise.all([db.job.count(), client.workflow.count('JobType IS NOT NULL')]);
  return { jobs, workflows: workflows.count };
}

beforeAll(async () => {
  adminToken = await login();
  ({ token: operatorToken } = await clientAs('operator'));
  ({ token: viewerToken } = await clientAs('viewer'));
});

// Every procedure with its kind and the least role that may call it.
const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>,
).map(([path, procedure]) => ({ path, type: procedure._def.type }));

describe('authentication', () => {
  it('covers every procedure but auth.login', async () => {
    expect(procedures.length).toBeGreaterThan(10);
    for (const { path, type } of procedures) {
      if (path === 'auth.login' || type === 'subscription') continue;
      const response = await http(path, {
        method: type === 'query' ? 'GET' : 'POST',
        input: type === 'query' ? undefined : {},
      });
      expect({ path, status: response.status }).toEqual({ path, status: 401 });
    }
  });

  it('refuses unknown, malformed and revoked tokens', async () => {
    expect((await http('jobs.stats', { token: 'jd_t_thisisnotarealtokenatallreally' })).status).toBe(401);
    expect((await http('jobs.stats', { token: '\'; DROP TABLE "Job"; --' })).status).toBe(401);
    const created = await http('tokens.create', { token: adminToken, input: { name: 'to revoke', role: 'viewer' } });
    const { token, id } = created.json.result.data;
    expect((await http('jobs.stats', { token })).status).toBe(200);
    expect((await http('tokens.revoke', { token: adminToken, input: { id } })).status).toBe(200);
    expect((await http('jobs.stats', { token })).status).toBe(401);
  });

  it('stores tokens hashed, never in clear', async () => {
    const created = await http('tokens.create', { token: adminToken, input: { name: 'hash check', role: 'viewer' } });
    const { token, id } = created.json.result.data;
    const record = await db.apiToken.findUniqueOrThrow({ where: { id } });
    expect(record.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(record)).not.toContain(token);
  });

  it('refuses a wrong password with the same answer as an unknown user', async () => {
    const wrong = await http('auth.login', { input: { email: 'admin@localhost', password: 'nope' } });
    const unknown = await http('auth.login', { input: { email: 'ghost@localhost', password: 'nope' } });
    expect(wrong.status).toBe(401);
    expect(unknown.json.error.message).toBe(wrong.json.error.message);
  });

  it('checks roles: viewers read, operators enqueue, admins manage tokens', async () => {
    const enqueue = { type: 'data.sync', input: { source: 'it.roles', records: 1 } };
    const viewerEnqueue = await http('jobs.enqueue', { token: viewerToken, input: enqueue });
    expect(viewerEnqueue.status).toBe(403);
    expect(viewerEnqueue.json.error.message).toBe('requires the operator role; you are viewer');
    expect((await http('jobs.stats', { token: viewerToken })).status).toBe(200);
    expect((await http('tokens.create', { token: operatorToken, input: { name: 'x', role: 'admin' } })).status).toBe(
      403,
    );
    expect((await http('jobs.enqueue', { token: operatorToken, input: enqueue })).status).toBe(200);
  });
});

describe('bad input', () => {
  const bad: Array<[string, string, unknown, RegExp]> = [
    ['jobs.enqueue', 'unknown type', { type: 'nope', input: {} }, /type must be one of/],
    ['jobs.enqueue', 'missing input', { type: 'data.sync' }, /input/],
    [
      'jobs.enqueue',
      'wrong field types',
      { type: 'data.sync', input: { source: 42, records: 'many' } },
      /input\.source.*input\.records/,
    ],
    [
      'jobs.enqueue',
      'out-of-range numbers',
      { type: 'data.sync', input: { source: 'a', records: 10_000_000 } },
      /input\.records: Too big/,
    ],
    [
      'jobs.enqueue',
      'a URL that is not http',
      { type: 'webhook.deliver', input: { url: 'file:///etc/passwd', payload: {} } },
      /input\.url/,
    ],
    [
      'jobs.enqueue',
      'an input field the job does not know',
      { type: 'data.sync', input: { source: 'a', records: 1, batchsize: 5 } },
      /input: Unrecognized key: "batchsize"/,
    ],
    [
      'jobs.enqueue',
      'unknown option',
      { type: 'data.sync', input: { source: 'a', records: 1 }, options: { shard: 3 } },
      /options/,
    ],
    [
      'jobs.enqueue',
      'bad priority',
      { type: 'data.sync', input: { source: 'a', records: 1 }, options: { priority: 'urgent' } },
      /options\.priority/,
    ],
    [
      'jobs.enqueue',
      'negative delay',
      { type: 'data.sync', input: { source: 'a', records: 1 }, options: { delayMs: -1 } },
      /options\.delayMs/,
    ],
    [
      'jobs.enqueue',
      'bad runAt',
      { type: 'data.sync', input: { source: 'a', records: 1 }, options: { runAt: 'tomorrow' } },
      /runAt must be an ISO 8601/,
    ],
    [
      'jobs.enqueue',
      'huge idempotency key',
      { type: 'data.sync', input: { source: 'a', records: 1 }, options: { idempotencyKey: 'k'.repeat(500) } },
      /idempotencyKey/,
    ],
    [
      'jobs.enqueue',
      'oversized input',
      { type: 'webhook.deliver', input: { url: 'https://example.com', payload: { blob: 'x'.repeat(300_000) } } },
      /larger than 256 KiB/,
    ],
    ['jobs.enqueue', 'an array instead of an object', [1, 2, 3], /./],
    ['tokens.create', 'bad role', { name: 'x', role: 'root' }, /role/],
    ['tokens.create', 'empty name', { name: '', role: 'viewer' }, /name/],
    ['tokens.revoke', 'not a uuid', { id: 'abc' }, /id is not a token id/],
    ['auth.login', 'no password', { email: 'admin@localhost' }, /password/],
  ];

  it.each(bad)('%s with %s answers 400 with the field, and makes no job', async (path, _, input, message) => {
    const before = await counts();
    const response = await http(path, { token: adminToken, input });
    expect(response.status).toBe(400);
    expect(response.json.error.message).toMatch(message);
    expect(response.json.error.data.code).toBe('BAD_REQUEST');
    expect(response.json.error.data.stack).toBeUndefined();
    expect(await counts()).toEqual(before);
  });

  it.each([
    ['jobs.get', { id: '../../etc/passwd' }],
    ['jobs.get', { id: '' }],
    ['jobs.list', { state: 'exploded' }],
    ['jobs.list', { limit: 100_000 }],
    ['jobs.list', { queue: "sync' OR 1=1" }],
    ['jobs.list', { type: 'nope' }],
  ])('%s %j answers 400', async (path, input) => {
    const response = await http(path, { token: adminToken, method: 'GET', input });
    expect(response.status).toBe(400);
    expect(response.json.error.message.length).toBeGreaterThan(5);
  });

  it('answers 404 for a job that does not exist', async () => {
    const response = await http('jobs.get', {
      token: adminToken,
      method: 'GET',
      input: { id: 'data.sync-19990101-000000-abcdef' },
    });
    expect(response.status).toBe(404);
  });

  it('answers malformed JSON with 400 and a body over 1 MiB with 413, never 500', async () => {
    const before = await counts();
    const malformed = await http('jobs.enqueue', { token: adminToken, rawBody: '{"type": "data.sync", "input": {' });
    expect(malformed.status).toBe(400);
    const huge = await http('jobs.enqueue', {
      token: adminToken,
      rawBody: JSON.stringify({ type: 'data.sync', input: { source: 'x'.repeat(2 * 1024 * 1024) } }),
    });
    expect(huge.status).toBe(413);
    expect(await counts()).toEqual(before);
  });

  it('answers an unknown procedure with 404', async () => {
    expect((await http('jobs.explode', { token: adminToken })).status).toBe(404);
  });
});
