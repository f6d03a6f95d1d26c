import { beforeAll, describe, expect, it } from 'vitest';
import { db, http, login } from '../support/harness';
import { HTTP_PROCEDURES, LEAST_ROLE, PROCEDURES, RANK, type CallerRole } from '../support/least-roles';

type Role = CallerRole;
const EXPECTED = LEAST_ROLE;

const tokens: Partial<Record<Role, string>> = {};

beforeAll(async () => {
  const adminSession = await login();
  // Service tokens, so that calling auth.logout does not end the session the test runs on.
  for (const role of ['viewer', 'operator', 'admin'] as const) {
    const created = await http('tokens.create', { token: adminSession, input: { name: `matrix ${role}`, role } });
    tokens[role] = created.json.result.data.token;
  }
});

describe('the role matrix', () => {
  it('names every procedure of the router', () => {
    expect(PROCEDURES.map((procedure) => procedure.path).filter((path) => !(path in EXPECTED))).toEqual([]);
  });

  it.each(HTTP_PROCEDURES)('%s', async (path, type) => {
    const least = EXPECTED[path]!;
    for (const caller of ['public', 'viewer', 'operator', 'admin'] as const) {
      // An empty input: a caller who may call it gets past authorisation and is answered on the input (or served).
      const response = await http(path, {
        token: tokens[caller as Exclude<Role, 'public'>],
        method: type === 'query' ? 'GET' : 'POST',
        input: type === 'query' ? undefined : {},
      });
      const allowed = RANK[caller] >= RANK[least];
      const expected = allowed ? 'allowed' : caller === 'public' ? 401 : 403;
      const actual = response.status === 401 || response.status === 403 ? response.status : 'allowed';
      expect({ path, caller, result: actual }).toEqual({ path, caller, result: expected });
    }
  });

  it('records every mutation in the audit trail, refusals included', async () => {
    const mutations = PROCEDURES.filter((procedure) => procedure.type === 'mutation').map(
      (procedure) => procedure.path,
    );
    const rows = await db.auditLog.findMany({
      where: { actor: { startsWith: 'token:matrix ' } },
      select: { action: true, actor: true, outcome: true },
    });
    const audited = new Set(rows.map((row) => row.action));
    expect(mutations.filter((path) => !audited.has(path))).toEqual([]);
    // The viewer was refused every operator and admin mutation, and each refusal is on record.
    const refusals = new Set(
      rows.filter((row) => row.actor === 'token:matrix viewer' && row.outcome === 'FORBIDDEN').map((row) => row.action),
    );
    expect(mutations.filter((path) => RANK[EXPECTED[path]!] > RANK.viewer && !refusals.has(path))).toEqual([]);
  });
});
