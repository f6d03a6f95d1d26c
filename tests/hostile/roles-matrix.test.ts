// Every procedure against every kind of caller (security review, issue 7): no token, a bad token,
// each role, and credentials that stopped holding (revoked, expired, disabled user, demoted user),
// the live-events stream included. A credential that no longer holds is 401 everywhere but at the
// login; a role too low is 403; a demoted session is a viewer from its next call on.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, env, http, login } from '../support/harness';
import { HTTP_PROCEDURES, LEAST_ROLE, PROCEDURES, RANK, type CallerRole } from '../support/least-roles';
import { openStream, type OpenStream } from './support';

type Role = CallerRole;

/** Every kind of caller, and the role it must be treated as (`null`: not authenticated at all). */
const CALLERS = {
  none: null,
  bad: null,
  malformed: null,
  revoked: null,
  expired: null,
  disabled: null,
  viewer: 'viewer',
  operator: 'operator',
  admin: 'admin',
  demoted: 'viewer',
} as const satisfies Record<string, Exclude<Role, 'public'> | null>;
type Caller = keyof typeof CALLERS;
const CALLER_NAMES = Object.keys(CALLERS) as Caller[];

const suffix = randomBytes(4).toString('hex');
const tokens: Partial<Record<Caller, string>> = {};
/** A second session of the demoted user, opened before the demotion: auth.logout ends it, not the one the matrix runs on. */
let demotedSpare: string;
const streams: OpenStream[] = [];

/** A password the policy accepts (long, unrelated words, nothing of the email). */
const strongPassword = () => `Quartz-lantern-${randomBytes(6).toString('hex')}-meadow`;

function tokenOf(caller: Caller, path: string): string | undefined {
  if (caller === 'demoted' && path === 'auth.logout') return demotedSpare;
  return tokens[caller];
}

async function ok(procedure: string, token: string, input?: unknown) {
  const response = await http(procedure, { token, input });
  if (response.status !== 200) throw new Error(`${procedure} answered ${response.status}: ${response.text}`);
  return response.json.result.data;
}

async function me(token: string) {
  return http('auth.me', { token, method: 'GET' });
}

beforeAll(async () => {
  const adminSession = await login();
  /** An admin user of its own, and a way to open a session of it. */
  const adminUser = async (name: string) => {
    const password = strongPassword();
    const user = await ok('users.create', adminSession, {
      email: `rolematrix-${name}-${suffix}@example.test`,
      role: 'admin',
      password,
    });
    return { id: user.id as string, login: () => login(user.email, password) };
  };

  for (const role of ['viewer', 'operator', 'admin'] as const) {
    tokens[role] = (await ok('tokens.create', adminSession, { name: `rolematrix ${role} ${suffix}`, role })).token;
  }
  tokens.bad = `jd_t_${randomBytes(24).toString('base64url')}`;
  tokens.malformed = 'not-a-token; DROP TABLE "ApiToken" --';

  // Revoked and expired: admin service tokens that worked, so that only their state can explain a refusal.
  const revoked = await ok('tokens.create', adminSession, { name: `rolematrix revoked ${suffix}`, role: 'admin' });
  expect((await me(revoked.token)).status).toBe(200);
  await ok('tokens.revoke', adminSession, { id: revoked.id });
  tokens.revoked = revoked.token;

  const expired = await ok('tokens.create', adminSession, {
    name: `rolematrix expired ${suffix}`,
    role: 'admin',
    expiresInDays: 30,
  });
  expect((await me(expired.token)).status).toBe(200);
  await db.apiToken.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 60_000) } });
  tokens.expired = expired.token;

  // Disabled: an admin's own session, then the user disabled by another admin.
  const disabledUser = await adminUser('disabled');
  tokens.disabled = await disabledUser.login();
  expect((await me(tokens.disabled)).json?.result?.data?.role).toBe('admin');
  await ok('users.update', adminSession, { id: disabledUser.id, disabled: true });

  // Demoted: an admin's sessions, opened while admin (and used as admin), then the user demoted to viewer.
  const demotedUser = await adminUser('demoted');
  tokens.demoted = await demotedUser.login();
  demotedSpare = await demotedUser.login();
  expect((await http('users.list', { token: tokens.demoted, method: 'GET' })).status).toBe(200);
  await ok('users.update', adminSession, { id: demotedUser.id, role: 'viewer' });
});

afterAll(() => {
  for (const stream of streams) stream.close();
});

describe('role matrix: every procedure × every kind of caller', () => {
  it('names every procedure of the router, and only those', () => {
    const paths = PROCEDURES.map((procedure) => procedure.path);
    expect(paths.filter((path) => !(path in LEAST_ROLE))).toEqual([]);
    expect(Object.keys(LEAST_ROLE).filter((path) => !paths.includes(path))).toEqual([]);
    expect(PROCEDURES.length).toBeGreaterThanOrEqual(40);
  });

  it('the credentials are what they claim before the matrix uses them', async () => {
    expect((await me(tokens.viewer!)).json.result.data).toMatchObject({ role: 'viewer', kind: 'service' });
    expect((await me(tokens.operator!)).json.result.data).toMatchObject({ role: 'operator', kind: 'service' });
    expect((await me(tokens.admin!)).json.result.data).toMatchObject({ role: 'admin', kind: 'service' });
    // The demoted session carries the new role on its very next call.
    expect((await me(tokens.demoted!)).json.result.data).toMatchObject({ role: 'viewer', kind: 'session' });
  });

  it.each(HTTP_PROCEDURES)('%s', async (path, type) => {
    const least = LEAST_ROLE[path]!;
    const results = await Promise.all(
      CALLER_NAMES.map(async (caller) => {
        // An empty input: a caller who may call it gets past authorisation and is answered on the input (or served).
        const response = await http(path, {
          token: tokenOf(caller, path),
          method: type === 'query' ? 'GET' : 'POST',
          input: type === 'query' ? undefined : {},
        });
        return { caller, status: response.status, code: response.json?.error?.data?.code as string | undefined };
      }),
    );
    const actual = results.map(({ caller, status }) => ({
      path,
      caller,
      result: status === 401 || status === 403 ? status : 'allowed',
    }));
    const expected = CALLER_NAMES.map((caller) => {
      const role = CALLERS[caller];
      const allowed = least === 'public' || (role !== null && RANK[role] >= RANK[least]);
      return { path, caller, result: allowed ? 'allowed' : role === null ? 401 : 403 };
    });
    expect(actual).toEqual(expected);
    // A refusal says which in tRPC's own words too.
    for (const { caller, status, code } of results) {
      if (status === 401) expect({ caller, code }).toEqual({ caller, code: 'UNAUTHORIZED' });
      if (status === 403) expect({ caller, code }).toEqual({ caller, code: 'FORBIDDEN' });
    }
    // Demoted is a viewer in every respect.
    const byCaller = Object.fromEntries(actual.map((row) => [row.caller, row.result]));
    expect({ path, demoted: byCaller.demoted }).toEqual({ path, demoted: byCaller.viewer });
  });

  it('events.subscribe: 401 (not a 200 stream with an error in it) unless the credential holds; 200 for viewer and above', async () => {
    const results: Array<{ caller: Caller; status: number; code?: string }> = [];
    for (const caller of CALLER_NAMES) {
      const stream = await openStream(env.apiUrl, tokens[caller] ?? null);
      streams.push(stream);
      if (stream.status === 200) {
        results.push({ caller, status: stream.status });
        stream.close();
      } else {
        await stream.ended;
        let code: string | undefined;
        try {
          code = JSON.parse(stream.text()).error?.data?.code;
        } catch {
          code = `not JSON: ${stream.text().slice(0, 200)}`;
        }
        results.push({ caller, status: stream.status, code });
      }
    }
    expect(results).toEqual(
      CALLER_NAMES.map((caller) =>
        CALLERS[caller] === null ? { caller, status: 401, code: 'UNAUTHORIZED' } : { caller, status: 200 },
      ),
    );
  });

  it('a demoted session stays a viewer: it is refused what it could do as admin, yet still reads', async () => {
    expect((await http('users.list', { token: tokens.demoted, method: 'GET' })).status).toBe(403);
    expect(
      (
        await http('tokens.create', {
          token: tokens.demoted,
          input: { name: `rolematrix demoted ${suffix}`, role: 'admin' },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await http('jobs.enqueue', {
          token: tokens.demoted,
          input: { type: 'data.sync', input: { source: 'rolematrix', records: 1 } },
        })
      ).status,
    ).toBe(403);
    expect((await http('jobs.stats', { token: tokens.demoted, method: 'GET' })).status).toBe(200);
  });
});
