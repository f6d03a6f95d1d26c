// Keeps the fuzzer honest: a generator that only produced garbage would find nothing behind the
// validation, and one whose mutations changed nothing would attack nothing. No services needed.
import { describe, expect, it } from 'vitest';
import { appRouter, type Services } from '@jobdeck/api';
import type { Answer, Caller, CallerName, CallOutcome, Plan } from '../support/fuzz/http';
import { auditFindings, Ledger, unaccounted } from '../support/fuzz/ledger';
import { mutate, MUTATIONS, nested, rng, type MutationKind } from '../support/fuzz/mutate';
import { callOf, draw, planFor, REGRESSION_BASE, REGRESSIONS, type PlanContext } from '../support/fuzz/plan';
import { acceptsInput, emptyPools, procedureCatalogue } from '../support/fuzz/procedures';

const catalogue = procedureCatalogue(appRouter, emptyPools);
const withInput = catalogue.filter((procedure) => procedure.valid);

describe('the fuzzer’s generator', () => {
  it('covers every procedure of the router, each with its kind and schema', () => {
    expect(catalogue.map((procedure) => procedure.path).sort()).toEqual(Object.keys(appRouter._def.procedures).sort());
    expect(
      catalogue.filter((procedure) => procedure.kind === 'subscription').map((procedure) => procedure.path),
    ).toEqual(['events.subscribe']);
    for (const procedure of catalogue)
      expect({ path: procedure.path, valid: procedure.valid !== null }).toEqual({
        path: procedure.path,
        valid: procedure.schemas.length > 0,
      });
  });

  it('draws valid input that the procedure’s own schema accepts, for every procedure (at least 90% of draws)', () => {
    const r = rng(1);
    const rates = withInput.map((procedure) => {
      let accepted = 0;
      for (let draws = 0; draws < 40; draws++) if (acceptsInput(procedure, draw(procedure.valid!, r))) accepted++;
      return { path: procedure.path, rate: accepted / 40 };
    });
    expect(rates.filter(({ rate }) => rate < 0.9)).toEqual([]);
  });

  it('draws varied input, not one value over and over', () => {
    const r = rng(2);
    for (const procedure of withInput) {
      const values = new Set(Array.from({ length: 20 }, () => JSON.stringify(draw(procedure.valid!, r))));
      if (procedure.path === 'auth.me') continue;
      expect({ path: procedure.path, distinct: values.size > 3 }).toEqual({ path: procedure.path, distinct: true });
    }
  });

  it('mutates valid input into input the schema refuses (structural mutations at least 85%, all together at least 75%)', () => {
    const r = rng(3);
    const tally = new Map<MutationKind, { refused: number; total: number }>();
    for (const procedure of withInput) {
      for (const kind of MUTATIONS) {
        for (let round = 0; round < 6; round++) {
          const valid = draw(procedure.valid!, r);
          if (!acceptsInput(procedure, valid)) continue;
          const mutated = mutate(valid, kind, r);
          const entry = tally.get(kind) ?? { refused: 0, total: 0 };
          entry.total++;
          if (!acceptsInput(procedure, mutated.value)) entry.refused++;
          tally.set(kind, entry);
        }
      }
    }
    const rate = (kind: MutationKind) => tally.get(kind)!.refused / tally.get(kind)!.total;
    const structural: MutationKind[] = [
      'wrong-type',
      'root-replace',
      'array-for-object',
      'number-as-string',
      'null',
      'deep-nesting',
      'huge-string',
    ];
    expect(structural.filter((kind) => rate(kind) < 0.85).map((kind) => `${kind}: ${rate(kind).toFixed(2)}`)).toEqual(
      [],
    );
    const all = [...tally.values()].reduce(
      (sum, entry) => ({ refused: sum.refused + entry.refused, total: sum.total + entry.total }),
      { refused: 0, total: 0 },
    );
    expect(all.refused / all.total).toBeGreaterThan(0.75);
  });

  it('makes the mutation it names, at the place it names', () => {
    const r = rng(4);
    const base = { type: 'data.sync', input: { source: 'crm.contacts', records: 5 }, options: { idempotencyKey: 'k' } };
    const nul = mutate(base, 'nul-byte', r);
    expect(JSON.stringify(nul.value)).toContain('\\u0000');
    expect(nul.label).toMatch(/^nul-byte@/);
    const proto = mutate(base, 'proto-key', r);
    expect(JSON.stringify(proto.value)).toMatch(
      /"(__proto__|constructor|prototype|__defineGetter__|toString|hasOwnProperty)"/,
    );
    expect(Object.getPrototypeOf(proto.value)).toBe(Object.prototype);
    const deep = JSON.stringify(nested(60, 'array'));
    expect(deep.startsWith('['.repeat(60))).toBe(true);
    const huge = mutate(base, 'huge-string', r);
    expect(JSON.stringify(huge.value).length).toBeGreaterThan(20_000);
    // The input it was given is left alone.
    expect(base).toEqual({
      type: 'data.sync',
      input: { source: 'crm.contacts', records: 5 },
      options: { idempotencyKey: 'k' },
    });
  });

  it('flags an unknown key added to a valid query input, so that its acceptance is a finding', () => {
    const list = catalogue.find((procedure) => procedure.path === 'jobs.list')!;
    let flagged = 0;
    for (let seed = 0; seed < 400 && !flagged; seed++) {
      const call = callOf(list, rng(seed), 'mutated');
      if (call.unknownKey !== undefined) {
        flagged++;
        expect(JSON.stringify(call.input)).toContain(JSON.stringify(call.unknownKey));
      }
    }
    expect(flagged).toBeGreaterThan(0);
  });

  it('plans a deterministic mix of single calls, batches, subscriptions and both targets from a seed', () => {
    const caller = (name: CallerName): Caller[] => [
      {
        name,
        role: name === 'viewer' || name === 'operator' || name === 'admin' ? name : null,
        authorization: name === 'anonymous' ? undefined : `Bearer ${name}`,
      },
    ];
    const ctx: PlanContext = {
      seed: 12345,
      procedures: catalogue,
      readOnly: catalogue.filter((procedure) => procedure.kind !== 'mutation'),
      callers: {
        anonymous: caller('anonymous'),
        'bad-token': caller('bad-token'),
        viewer: caller('viewer'),
        operator: caller('operator'),
        admin: caller('admin'),
      },
      realCallers: [...caller('anonymous'), ...caller('viewer')],
      realShare: 0.06,
      adminEmail: 'admin@localhost',
      adminPassword: 'x',
    };
    const plans = Array.from({ length: 1500 }, (_, index) => planFor(index, ctx));
    expect(JSON.stringify(planFor(77, ctx).calls)).toBe(JSON.stringify(plans[77]!.calls));
    const modes = new Set(plans.map((plan) => `${plan.target} ${plan.mode}`));
    expect([...modes].sort()).toEqual([
      'fuzz batch',
      'fuzz single',
      'fuzz subscription',
      'real batch',
      'real single',
      'real subscription',
    ]);
    expect(
      plans
        .filter((plan) => plan.target === 'real')
        .every((plan) => plan.calls.every((call) => call.kind !== 'mutation')),
    ).toBe(true);
    const called = new Set(plans.flatMap((plan) => plan.calls.map((call) => call.path)));
    expect(catalogue.filter((procedure) => !called.has(procedure.path)).map((procedure) => procedure.path)).toEqual([]);
    expect(plans.some((plan) => plan.transport === 'login-storm')).toBe(true);
    expect(plans.some((plan) => plan.rawBody !== undefined)).toBe(true);
    // The review's holes are sent on every run, each to a procedure that exists.
    const regressions = REGRESSIONS.map((_, index) => planFor(REGRESSION_BASE + index, ctx));
    expect(
      regressions.every((plan) => plan.calls.length === 1 && plan.calls[0]!.label.startsWith('regression: ')),
    ).toBe(true);
    expect(regressions.filter((plan) => plan.calls[0]!.unknownKey).length).toBeGreaterThan(0);
  });
});

describe('the fuzzer’s bookkeeping', () => {
  const admin: Caller = { name: 'admin', role: 'admin', authorization: 'Bearer a' };
  const anonymous: Caller = { name: 'anonymous', role: null };
  const plan = (caller: Caller, path: string, input: unknown): Plan => ({
    index: 0,
    target: 'fuzz',
    caller,
    mode: 'single',
    method: 'POST',
    calls: [{ path, kind: 'mutation', input, label: 'valid', schemaValid: true }],
  });
  const answer = (outcome: Partial<CallOutcome>): Answer => ({
    status: outcome.status ?? 200,
    ms: 1,
    excerpt: '',
    failure: null,
    problems: [],
    outcomes: [{ status: 200, code: 'ok', message: null, ranProcedure: true, ...outcome }],
  });
  const row = (id: number, role: string | null, action: string, outcome: string, actor = 'token:fuzz admin') => ({
    id: BigInt(id),
    at: new Date(),
    actor,
    role,
    action,
    target: null,
    params: null,
    outcome,
    error: null,
    ip: '127.0.0.1',
  });
  const withRows = (rows: unknown[]) => ({ db: { auditLog: { findMany: async () => rows } } }) as unknown as Services;

  function ledgerOfThree() {
    const ledger = new Ledger('admin-id');
    ledger.record(plan(admin, 'jobs.enqueue', {}), answer({ data: { id: 'data.sync-1' } }));
    ledger.record(plan(admin, 'jobs.cancel', { id: 'x' }), answer({ status: 400, code: 'BAD_REQUEST' }));
    // Not recorded by design: a caller without a token changed nothing.
    ledger.record(plan(anonymous, 'jobs.cancel', { id: 'x' }), answer({ status: 401, code: 'UNAUTHORIZED' }));
    return ledger;
  }

  it('finds nothing to say when every call has its row', async () => {
    const { findings } = await auditFindings(
      withRows([row(1, 'admin', 'jobs.enqueue', 'ok'), row(2, 'admin', 'jobs.cancel', 'BAD_REQUEST')]),
      ledgerOfThree(),
      0n,
    );
    expect(findings).toEqual([]);
  });

  it('finds a mutation without its audit row, and a row whose outcome is not what the caller was told', async () => {
    const { findings } = await auditFindings(
      withRows([row(1, 'admin', 'jobs.cancel', 'INTERNAL_SERVER_ERROR')]),
      ledgerOfThree(),
      0n,
    );
    expect(findings.map((finding) => finding.key).sort()).toEqual([
      'audit rows without a matching answer|admin|jobs.cancel',
      'missing audit rows|admin|jobs.cancel|BAD_REQUEST',
      'missing audit rows|admin|jobs.enqueue|ok',
    ]);
  });

  it('finds an oversized audit row written for an anonymous caller', async () => {
    const ledger = new Ledger('admin-id');
    ledger.record(plan(anonymous, 'auth.login', {}), answer({ status: 400, code: 'BAD_REQUEST' }));
    const { findings } = await auditFindings(
      withRows([row(1, null, 'auth.login', 'BAD_REQUEST', 'x'.repeat(900_000))]),
      ledger,
      0n,
    );
    expect(findings.map((finding) => finding.key).sort()).toEqual([
      'oversized actor|auth.login',
      'oversized anonymous row|auth.login',
    ]);
  });

  it('finds rows, workflows and schedules that no 2xx answer reported', async () => {
    const ledger = ledgerOfThree();
    ledger.record(plan(admin, 'schedules.create', {}), answer({ data: { id: 'sched-a' } }));
    const none = async () => [];
    async function* workflows() {
      yield { workflowId: 'data.sync-1', searchAttributes: {} };
      yield {
        workflowId: 'data.sync-sched-a-2026-01-01T00:00:00Z',
        searchAttributes: { TemporalScheduledById: ['sched-a'] },
      };
      yield { workflowId: 'data.sync-refused', searchAttributes: {} };
    }
    async function* schedules() {
      yield { scheduleId: 'sched-a' };
      yield { scheduleId: 'sched-refused' };
    }
    const services = {
      db: {
        job: { findMany: async () => [{ id: 'data.sync-1' }, { id: 'data.sync-refused' }] },
        jobTemplate: { findMany: none },
        user: { findMany: async () => [{ id: 'admin-id' }, { id: 'someone' }] },
        apiToken: { findMany: async () => [{ id: 'setup', tokenHash: 'h', kind: 'service', name: 'fuzz admin' }] },
      },
      temporal: { workflow: { list: workflows }, schedule: { list: schedules } },
    } as unknown as Services;
    const found = await unaccounted(services, ledger, { adminUserId: 'admin-id', setupTokenIds: new Set(['setup']) });
    expect(found).toEqual([
      { what: 'Job rows', ids: ['data.sync-refused'] },
      { what: 'User rows', ids: ['someone'] },
      { what: 'Temporal workflows', ids: ['data.sync-refused'] },
      { what: 'Temporal schedules', ids: ['sched-refused'] },
    ]);
  });
});
