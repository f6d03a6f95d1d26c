// Live streams end when their credential goes (security review, issue 7): disabling a user, logging
// a session out, revoking a service token or resetting a password closed nothing before; now each
// closes the stream within 5 s, on every API instance, with an UNAUTHORIZED error as its last event.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env, eventually, http, login } from '../support/harness';
import { apiInstance, openStream, raw, within, type ApiInstance, type OpenStream } from './support';

const suffix = randomBytes(4).toString('hex');
let adminSession: string;
let operatorToken: string;
const streams: OpenStream[] = [];
const instances: ApiInstance[] = [];

const strongPassword = () => `Harbour-violet-${randomBytes(6).toString('hex')}-lantern`;

async function ok(procedure: string, token: string, input?: unknown) {
  const response = await http(procedure, { token, input });
  if (response.status !== 200) throw new Error(`${procedure} answered ${response.status}: ${response.text}`);
  return response.json.result.data;
}

async function serviceToken(
  role: 'viewer' | 'operator' | 'admin',
  label: string,
): Promise<{ token: string; id: string }> {
  const created = await ok('tokens.create', adminSession, { name: `streams ${label} ${suffix}`, role });
  return { token: created.token, id: created.id };
}

async function userSession(label: string): Promise<{ token: string; userId: string }> {
  const password = strongPassword();
  const user = await ok('users.create', adminSession, {
    email: `streams-${label}-${suffix}@example.test`,
    role: 'viewer',
    password,
  });
  return { token: await login(user.email, password), userId: user.id };
}

interface SseEvent {
  event: string;
  data: string;
}

/** The events of an SSE text, pings left out. */
function sseEvents(text: string): SseEvent[] {
  return text
    .split(/\n\n+/)
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((line) => line.startsWith('event: '))?.slice(7) ?? 'message';
      const data = lines
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n');
      return { event, data, empty: !lines.some((line) => line.trim()) };
    })
    .filter((item) => !item.empty && item.event !== 'ping')
    .map(({ event, data }) => ({ event, data }));
}

/** The last event of a stream, read as tRPC's serialized error when it is one. */
function lastEvent(stream: OpenStream): { event: string; code?: string; message?: string } {
  const last = sseEvents(stream.text()).at(-1);
  if (!last) return { event: 'none' };
  if (last.event !== 'serialized-error') return { event: last.event };
  const error = JSON.parse(last.data) as { message?: string; data?: { code?: string } };
  return { event: last.event, code: error.data?.code, message: error.message };
}

/** A stream opened and known to be running (tRPC's `connected` event received). */
async function openRunning(baseUrl: string, token: string, input: unknown = {}): Promise<OpenStream> {
  const stream = await openStream(baseUrl, token, input);
  streams.push(stream);
  expect(stream.status).toBe(200);
  await eventually('the stream to say connected', async () => stream.text().includes('event: connected'), 10_000, 50);
  return stream;
}

function settled(stream: OpenStream): () => boolean {
  let done = false;
  void stream.ended.then(() => (done = true));
  return () => done;
}

/** Starts the clock, makes the change, and expects the stream to end within 5 s of it with UNAUTHORIZED last. */
async function expectEndsAfter(stream: OpenStream, what: string, change: () => Promise<unknown>): Promise<number> {
  const ended = settled(stream);
  // Still open just before the change: the end below is the change's doing.
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(ended()).toBe(false);
  const timing = within(5_000, `the stream to end after ${what}`, stream.ended);
  await change();
  const ms = await timing;
  expect(lastEvent(stream)).toMatchObject({ event: 'serialized-error', code: 'UNAUTHORIZED' });
  console.log(`stream ended ${Math.round(ms)} ms after ${what}`);
  return ms;
}

beforeAll(async () => {
  adminSession = await login();
  operatorToken = (await serviceToken('operator', 'operator')).token;
});

afterAll(async () => {
  for (const stream of streams) stream.close();
  await Promise.all(instances.map((instance) => instance.close()));
});

describe('live streams end when their credential goes', () => {
  it('a valid stream delivers events (so an ended stream is not merely idle)', async () => {
    const viewer = await serviceToken('viewer', 'events');
    const stream = await openRunning(env.apiUrl, viewer.token);
    const ended = settled(stream);
    const { id } = await ok('jobs.enqueue', operatorToken, {
      type: 'data.sync',
      input: { source: 'streams.check', records: 20, batchSize: 10, throttleMs: 0 },
    });
    await eventually(`job ${id} in the stream`, async () => stream.text().includes(id), 60_000);
    const mine = sseEvents(stream.text()).filter((event) => event.event === 'message' && event.data.includes(id));
    expect(mine.length).toBeGreaterThan(0);
    expect(JSON.parse(mine[0]!.data)).toMatchObject({ jobId: id });
    expect(ended()).toBe(false);
  });

  it('(a) a user session: the stream ends within 5 s of the user being disabled', async () => {
    const { token, userId } = await userSession('disabled');
    const stream = await openRunning(env.apiUrl, token);
    await expectEndsAfter(stream, 'users.update {disabled: true}', () =>
      ok('users.update', adminSession, { id: userId, disabled: true }),
    );
    expect((await http('auth.me', { token, method: 'GET' })).status).toBe(401);
  });

  it('(b) a session: the stream ends within 5 s of auth.logout with that session', async () => {
    const { token } = await userSession('logout');
    const stream = await openRunning(env.apiUrl, token);
    await expectEndsAfter(stream, 'auth.logout', async () => {
      const answer = await ok('auth.logout', token, {});
      expect(answer).toMatchObject({ revoked: true, kind: 'session' });
    });
  });

  it('(c) a service token: the stream ends within 5 s of tokens.revoke', async () => {
    const viewer = await serviceToken('viewer', 'revoke');
    const stream = await openRunning(env.apiUrl, viewer.token);
    await expectEndsAfter(stream, 'tokens.revoke', () => ok('tokens.revoke', adminSession, { id: viewer.id }));
  });

  it('(d) a session: the stream ends within 5 s of an admin resetting the password', async () => {
    const { token, userId } = await userSession('reset');
    const stream = await openRunning(env.apiUrl, token);
    await expectEndsAfter(stream, 'users.resetPassword', () =>
      ok('users.resetPassword', adminSession, { id: userId, password: strongPassword() }),
    );
    expect((await http('auth.me', { token, method: 'GET' })).status).toBe(401);
  });

  it('a stream on a second API instance ends within 5 s when the token is revoked through the first', async () => {
    const second = await apiInstance();
    instances.push(second);
    const viewer = await serviceToken('viewer', 'second instance');
    const stream = await openRunning(second.url, viewer.token);
    await expectEndsAfter(stream, 'tokens.revoke on the other instance', () =>
      ok('tokens.revoke', adminSession, { id: viewer.id }),
    );
    // And the second instance refuses a new stream for it outright.
    const again = await openStream(second.url, viewer.token);
    streams.push(again);
    expect(again.status).toBe(401);
  });

  it("an unauthenticated subscribe answers 401 with tRPC's JSON error, not a 200 stream", async () => {
    const viewer = await serviceToken('viewer', 'gone');
    await ok('tokens.revoke', adminSession, { id: viewer.id });
    for (const authorization of [
      undefined,
      `Bearer jd_t_${randomBytes(24).toString('base64url')}`,
      `Bearer ${viewer.token}`,
      'Basic YWRtaW46YWRtaW4=',
    ]) {
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      if (authorization) headers.authorization = authorization;
      const answer = await raw(`${env.apiUrl}/trpc/events.subscribe?input=${encodeURIComponent('{}')}`, { headers });
      expect({ authorization, status: answer.status }).toEqual({ authorization, status: 401 });
      expect(String(answer.headers['content-type'])).toMatch(/application\/json/);
      expect(answer.json?.error?.data?.code).toBe('UNAUTHORIZED');
      expect(answer.json?.error?.data?.httpStatus).toBe(401);
      expect(answer.text).not.toContain('event:');
    }
    // Through the helper every SSE client uses alike.
    const stream = await openStream(env.apiUrl, null);
    streams.push(stream);
    expect(stream.status).toBe(401);
    await within(5_000, 'the 401 answer to end', stream.ended);
    expect(JSON.parse(stream.text()).error.data.code).toBe('UNAUTHORIZED');
  });

  it('auth.logout with a service token says it ended nothing, and the token keeps working', async () => {
    const viewer = await serviceToken('viewer', 'logout');
    const answer = await http('auth.logout', { token: viewer.token, input: {} });
    expect(answer.status).toBe(200);
    expect(answer.json.result.data).toMatchObject({ revoked: false, kind: 'service' });
    expect(answer.json.result.data.message).toMatch(/not ended/i);
    expect(answer.json.result.data.message).toMatch(/tokens\.revoke/);
    const me = await http('auth.me', { token: viewer.token, method: 'GET' });
    expect(me.status).toBe(200);
    expect(me.json.result.data).toMatchObject({ kind: 'service', role: 'viewer' });
    // Its streams keep running too.
    const stream = await openRunning(env.apiUrl, viewer.token);
    const ended = settled(stream);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(ended()).toBe(false);
  });

  it('auth.logout with a session revokes it: the session no longer works', async () => {
    const session = await login();
    expect((await http('auth.me', { token: session, method: 'GET' })).status).toBe(200);
    const answer = await http('auth.logout', { token: session, input: {} });
    expect(answer.status).toBe(200);
    expect(answer.json.result.data).toMatchObject({ revoked: true, kind: 'session' });
    const me = await http('auth.me', { token: session, method: 'GET' });
    expect(me.status).toBe(401);
    expect(me.json.error.data.code).toBe('UNAUTHORIZED');
    // A second logout with it is refused like any other call.
    expect((await http('auth.logout', { token: session, input: {} })).status).toBe(401);
  });
});
