// What request number i is: target, caller, single call / batch / subscription, and each call's
// input (a valid draw, mutated or not) or transport oddity. Request i depends only on the seed and i
// (and on the pools of ids seen so far), so a finding replays with JOBDECK_FUZZ_SEED and its index.
import fc from 'fast-check';
import type { Call, Caller, CallerName, Plan } from './http';
import { MAX_INPUT_CHARS, MUTATIONS, mutate, nested, pathText, rng, type MutationKind, type Rng } from './mutate';
import { acceptsInput, type Pools, type ProcedureInfo } from './procedures';
import type { JsonSchema } from './schema-arbitrary';

export interface PlanContext {
  seed: number;
  /** Every procedure of the fuzz instance, in a fixed order. */
  procedures: ProcedureInfo[];
  /** Read-only procedures for the real stack (queries and the subscription), drawn without pools. */
  readOnly: ProcedureInfo[];
  callers: Record<CallerName, Caller[]>;
  /** Callers on the real stack: anonymous and a viewer. */
  realCallers: Caller[];
  /** Share of requests sent to the real stack. */
  realShare: number;
  /** Correct credentials of the fuzz instance's admin, for login storms that sometimes succeed. */
  adminEmail: string;
  adminPassword: string;
  /** For the regression requests: ids that exist by then. */
  pools?: Pools;
  adminUserId?: string;
}

/** Request indexes from here on are the fixed regression requests (REGRESSIONS), sent after the random ones. */
export const REGRESSION_BASE = 1_000_000;

// Mutations that found or could find the review's holes are drawn more often.
const MUTATION_WEIGHTS: Partial<Record<MutationKind, number>> = {
  'nul-byte': 4,
  'unknown-key': 4,
  'wrong-type': 3,
  'boundary-string': 3,
  'odd-unicode-value': 3,
  'far-date': 2,
  'missing-required': 2,
  'out-of-range': 2,
  'huge-string': 1,
  'deep-nesting': 1.5,
};
const WEIGHTED_MUTATIONS: MutationKind[] = MUTATIONS.flatMap((kind) =>
  Array<MutationKind>(Math.round((MUTATION_WEIGHTS[kind] ?? 1) * 2)).fill(kind),
);

const ADDED_KEY_KINDS = new Set<MutationKind>(['unknown-key', 'proto-key', 'long-key', 'odd-unicode-key']);

const UNKNOWN_PATHS = [
  'jobs.nope',
  '__proto__',
  'constructor',
  'jobs.__proto__',
  'jobs',
  'toString',
  'jobs.enqueue.x',
  'auth.login.login',
  '🧨',
  'a'.repeat(3000),
  'jobs\u0000enqueue',
  'jobs..get',
  '.',
  'JOBS.LIST',
  'jobs.list ',
  'hasOwnProperty',
  'jobs/list',
];

const MALFORMED_BODIES = [
  '{',
  '{"a":}',
  "{'id':'x'}",
  'NaN',
  '{"id":"x"}garbage',
  '\ufeff{}',
  '{"id":"a","id":"b"}',
  '['.repeat(50_000),
  '{"a":'.repeat(20_000),
  '1e999',
  '-',
  '"\\ud800"',
  '"\\u0000"',
  '',
  '   ',
  'null',
  'true',
  '[]',
  '{"__proto__":{"role":"admin","isAdmin":true}}',
  '{"constructor":{"prototype":{"isAdmin":true}}}',
  '{"0":{"email":"admin@localhost"}}',
  `"${'x'.repeat(2_000_000)}"`,
];

const CONTENT_TYPES = [
  'text/plain',
  'application/json; charset=utf-16',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fuzz',
  'application/octet-stream',
  'APPLICATION/JSON',
  'application/json, text/html',
  'application/jsonx',
  '*/*',
  '',
];

export function draw<T>(arbitrary: fc.Arbitrary<T>, r: Rng): T {
  return fc.sample(arbitrary, { seed: r.int(0, 2 ** 31 - 2), numRuns: 1 })[0]!;
}

type SchemaNode = { [key: string]: unknown };

/** The schema node for a path of the input, or null when it cannot be told (unions that disagree, records). */
function schemaAt(schema: JsonSchema | null, path: Array<string | number>): SchemaNode | null {
  let node: unknown = schema;
  for (const part of path) {
    if (!node || typeof node !== 'object') return null;
    const current = node as SchemaNode;
    const branches = (current.anyOf ?? current.oneOf) as SchemaNode[] | undefined;
    if (branches) {
      const holders = branches.filter(
        (branch) => typeof part === 'string' && branch.properties && part in (branch.properties as object),
      );
      if (holders.length !== 1) return null;
      node = (holders[0]!.properties as SchemaNode)[part as string];
      continue;
    }
    if (typeof part === 'number') node = current.items;
    else if (current.properties && part in (current.properties as object))
      node = (current.properties as SchemaNode)[part];
    else return null;
  }
  return node && typeof node === 'object' ? (node as SchemaNode) : null;
}

/** Whether `key` is a field the object schema at `path` does not declare (and the object is no record). */
function isUnknownKey(schema: JsonSchema | null, path: Array<string | number>, key: string): boolean {
  const node = schemaAt(schema, path);
  if (!node) return false;
  const branches = ((node.anyOf ?? node.oneOf) as SchemaNode[] | undefined) ?? [node];
  return branches.every((branch) => {
    if (branch.type !== 'object' || !branch.properties) return false;
    if (branch.additionalProperties !== undefined && branch.additionalProperties !== false) return false;
    return !Object.prototype.hasOwnProperty.call(branch.properties, key);
  });
}

function withoutKey(input: unknown, path: Array<string | number>, key: string): unknown {
  const copy = JSON.parse(JSON.stringify(input)) as unknown;
  let node = copy as Record<string | number, unknown>;
  for (const part of path) node = node[part] as Record<string | number, unknown>;
  delete node[key];
  return copy;
}

/** One call of a procedure: a valid draw, or one with 1–3 mutations. */
export function callOf(procedure: ProcedureInfo, r: Rng, want: 'valid' | 'mutated'): Call {
  const base = procedure.valid ? draw(procedure.valid, r) : undefined;
  if (want === 'valid')
    return {
      path: procedure.path,
      kind: procedure.kind,
      input: base,
      label: 'valid',
      schemaValid: acceptsInput(procedure, base),
    };
  const count = r.chance(0.8) ? 1 : r.int(2, 3);
  let input = base;
  const labels: string[] = [];
  let single: ReturnType<typeof mutate> | null = null;
  for (let step = 0; step < count; step++) {
    const mutated = mutate(input, r.pick(WEIGHTED_MUTATIONS), r);
    // Stacked mutations can multiply (a huge string repeated a thousand times): such a step is skipped.
    if (step > 0 && (JSON.stringify(mutated.value)?.length ?? 0) > MAX_INPUT_CHARS) continue;
    input = mutated.value;
    labels.push(mutated.label);
    single = count === 1 ? mutated : null;
  }
  const call: Call = {
    path: procedure.path,
    kind: procedure.kind,
    input,
    label: labels.join(' + '),
    schemaValid: acceptsInput(procedure, input),
  };
  if (
    single &&
    single.addedKey !== undefined &&
    ADDED_KEY_KINDS.has(single.kind) &&
    single.kind !== 'long-key' &&
    procedure.jsonSchema
  ) {
    const key = single.addedKey;
    if (
      isUnknownKey(procedure.jsonSchema, single.path, key) &&
      acceptsInput(procedure, withoutKey(input, single.path, key))
    ) {
      call.unknownKey = key;
      call.unknownKeyAt = pathText(single.path);
    }
  }
  return call;
}

function notAsDrawn(call: Call): void {
  call.schemaValid = null;
  delete call.unknownKey;
  delete call.unknownKeyAt;
}

function formBody(input: unknown): string {
  const fields =
    input && typeof input === 'object' ? Object.entries(input as Record<string, unknown>) : [['input', input]];
  return `${fields.map(([key, value]) => `--fuzz\r\nContent-Disposition: form-data; name="${String(key).replace(/"/g, '')}"\r\n\r\n${typeof value === 'string' ? value : JSON.stringify(value)}\r\n`).join('')}--fuzz--\r\n`;
}

/** A single call whose request, not its input, is odd: wrong method, broken JSON, content types, encodings. */
function transportPlan(plan: Plan, procedure: ProcedureInfo, r: Rng): Plan {
  const call = callOf(procedure, r, r.chance(0.6) ? 'valid' : 'mutated');
  // What arrives is not `input` as drawn: the input oracles do not apply.
  notAsDrawn(call);
  const json = JSON.stringify(call.input) ?? '';
  const query = procedure.kind !== 'mutation';
  const kind = r.pick(
    query
      ? ['method', 'query-malformed', 'query-repeated', 'query-bad-percent', 'query-raw', 'query-huge', 'method-put']
      : [
          'method',
          'malformed-json',
          'malformed-json',
          'content-type',
          'no-content-type',
          'invalid-utf8',
          'truncated-json',
          'method-put',
        ],
  );
  plan.calls = [call];
  plan.transport = kind;
  switch (kind) {
    case 'method':
      plan.method = query ? 'POST' : 'GET';
      break;
    case 'method-put':
      plan.method = 'PUT';
      break;
    case 'query-malformed':
      plan.rawQuery = `input=${encodeURIComponent(r.pick(MALFORMED_BODIES.filter((body) => body.length < 5000)))}`;
      break;
    case 'query-repeated':
      plan.rawQuery = `input=${encodeURIComponent(json)}&input=${encodeURIComponent('{"x":1}')}&input=`;
      break;
    case 'query-bad-percent':
      plan.rawQuery = r.pick([
        'input=%',
        'input=%E0%A4%A',
        'input=%7B%22id%22%3A%22%FF%22%7D',
        'input=%00',
        '%=%',
        'input=%u0041',
      ]);
      break;
    case 'query-raw':
      plan.rawQuery = `input=${json.replace(/%/g, '%25').replace(/#/g, '%23')}`;
      break;
    case 'query-huge':
      plan.rawQuery = `input=${encodeURIComponent(JSON.stringify({ pad: 'x'.repeat(r.pick([10_000, 20_000, 100_000])) }))}`;
      break;
    case 'malformed-json':
      plan.rawBody = r.pick(MALFORMED_BODIES);
      break;
    case 'truncated-json':
      plan.rawBody = json.slice(0, r.int(0, Math.max(0, json.length - 1)));
      break;
    case 'content-type': {
      const contentType = r.pick(CONTENT_TYPES);
      plan.contentType = contentType;
      plan.transport = `content-type:${contentType || '(empty)'}`;
      if (contentType.startsWith('multipart/')) plan.rawBody = formBody(call.input);
      break;
    }
    case 'no-content-type':
      plan.contentType = null;
      break;
    case 'invalid-utf8':
      plan.rawBody = new Uint8Array([
        0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x22, 0x7d,
      ]);
      break;
  }
  return plan;
}

function pickCaller(ctx: PlanContext, r: Rng): Caller {
  const roll = r.next();
  const name: CallerName =
    roll < 0.4 ? 'admin' : roll < 0.6 ? 'operator' : roll < 0.75 ? 'viewer' : roll < 0.87 ? 'anonymous' : 'bad-token';
  return r.pick(ctx.callers[name]);
}

function batchPlan(plan: Plan, ctx: PlanContext, r: Rng, pool: ProcedureInfo[]): Plan {
  const size = r.chance(0.7) ? r.int(2, 6) : r.chance(0.66) ? r.int(7, 20) : r.int(21, 60);
  const login = pool.find((procedure) => procedure.path === 'auth.login');
  if (login && r.chance(0.12)) {
    // A login storm in one request: brute force through batching.
    plan.caller = r.chance(0.8) ? r.pick(ctx.callers.anonymous) : pickCaller(ctx, r);
    plan.method = 'POST';
    plan.transport = 'login-storm';
    const storm = r.int(10, 40);
    plan.calls = Array.from({ length: storm }, () => {
      const call = callOf(login, r, r.chance(0.7) ? 'valid' : 'mutated');
      if (call.label === 'valid' && r.chance(0.6)) {
        call.input = { email: ctx.adminEmail, password: r.chance(0.1) ? ctx.adminPassword : `guess-${r.int(0, 1e6)}` };
        call.schemaValid = true;
      }
      return call;
    });
    return plan;
  }
  const flavour = r.next();
  const queries = pool.filter((procedure) => procedure.kind === 'query');
  const mutations = pool.filter((procedure) => procedure.kind === 'mutation');
  const from =
    flavour < 0.45 || !mutations.length
      ? queries
      : flavour < 0.95
        ? mutations
        : pool.filter((procedure) => procedure.kind !== 'subscription');
  plan.method = from.every((procedure) => procedure.kind === 'query') ? 'GET' : 'POST';
  plan.calls = Array.from({ length: size }, () => callOf(r.pick(from), r, r.chance(0.4) ? 'valid' : 'mutated'));
  if (flavour >= 0.95) plan.transport = 'mixed-kinds';
  if (r.chance(0.1)) {
    const odd = r.pick(['batch-as-array', 'batch-odd-keys', 'batch-empty-path', 'batch-nested-deep']);
    plan.transport = odd;
    const inputs = plan.calls.map((call) => call.input);
    if (odd === 'batch-empty-path')
      plan.calls.splice(r.int(0, plan.calls.length), 0, {
        path: '',
        kind: 'unknown',
        input: undefined,
        label: 'empty path',
        schemaValid: null,
      });
    else if (plan.method === 'GET')
      plan.rawQuery = `batch=1&input=${encodeURIComponent(odd === 'batch-as-array' ? JSON.stringify(inputs) : odd === 'batch-odd-keys' ? '{"a":1,"-1":{},"99":{},"__proto__":{"0":{}}}' : JSON.stringify(nested(2000, 'object')))}`;
    else
      plan.rawBody =
        odd === 'batch-as-array'
          ? JSON.stringify(inputs)
          : odd === 'batch-odd-keys'
            ? '{"a":1,"-1":{},"99":{},"__proto__":{"0":{}}}'
            : JSON.stringify(nested(2000, 'object'));
    for (const call of plan.calls) notAsDrawn(call);
  }
  return plan;
}

/** Request number `index` of the run. */
export function planFor(index: number, ctx: PlanContext): Plan {
  if (index >= REGRESSION_BASE) return regressionPlan(index, ctx);
  const r = rng((ctx.seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const plan: Plan = { index, target: 'fuzz', caller: pickCaller(ctx, r), mode: 'single', method: 'POST', calls: [] };
  const roll = r.next();
  if (roll < ctx.realShare) {
    plan.target = 'real';
    plan.caller = r.pick(ctx.realCallers);
    const kind = r.next();
    if (kind < 0.08) {
      plan.mode = 'subscription';
      plan.method = 'GET';
      plan.calls = [
        callOf(
          ctx.readOnly.find((procedure) => procedure.kind === 'subscription')!,
          r,
          r.chance(0.5) ? 'valid' : 'mutated',
        ),
      ];
    } else if (kind < 0.2) {
      plan.mode = 'batch';
      plan.method = 'GET';
      const queries = ctx.readOnly.filter((procedure) => procedure.kind === 'query');
      plan.calls = Array.from({ length: r.int(2, 8) }, () =>
        callOf(r.pick(queries), r, r.chance(0.5) ? 'valid' : 'mutated'),
      );
    } else {
      const queries = ctx.readOnly.filter((procedure) => procedure.kind === 'query');
      plan.method = 'GET';
      plan.calls = [callOf(queries[index % queries.length]!, r, r.chance(0.5) ? 'valid' : 'mutated')];
    }
    return plan;
  }
  const rest = (roll - ctx.realShare) / (1 - ctx.realShare);
  if (rest < 0.04) {
    plan.mode = 'subscription';
    plan.method = 'GET';
    plan.calls = [
      callOf(
        ctx.procedures.find((procedure) => procedure.kind === 'subscription')!,
        r,
        r.chance(0.4) ? 'valid' : 'mutated',
      ),
    ];
    return plan;
  }
  if (rest < 0.16) {
    plan.mode = 'batch';
    return batchPlan(
      plan,
      ctx,
      r,
      ctx.procedures.filter((procedure) => procedure.kind !== 'subscription'),
    );
  }
  if (rest < 0.18) {
    plan.method = r.chance(0.5) ? 'GET' : 'POST';
    plan.calls = [
      {
        path: r.pick(UNKNOWN_PATHS),
        kind: 'unknown',
        input: r.chance(0.5) ? {} : undefined,
        label: 'unknown procedure',
        schemaValid: null,
      },
    ];
    return plan;
  }
  // Single calls: each procedure in turn, so that every one gets its share.
  const procedures = ctx.procedures.filter((procedure) => procedure.kind !== 'subscription');
  const procedure = procedures[Math.floor(index * 7919 + ctx.seed) % procedures.length]!;
  plan.method = procedure.kind === 'mutation' ? 'POST' : 'GET';
  if (rest < 0.31) return transportPlan(plan, procedure, r);
  plan.calls = [callOf(procedure, r, rest < 0.6 ? 'valid' : 'mutated')];
  return plan;
}

type Regression = {
  why: string;
  path: string;
  caller: CallerName;
  input: (ctx: PlanContext) => unknown;
  unknownKey?: string;
};

/** A data.sync of one record from `source`: a job that is cheap to start. */
const oneRecordSync = (source: string) => ({ type: 'data.sync', input: { source, records: 1 } });

const firstJob = (ctx: PlanContext) => ctx.pools?.jobs()[0] ?? 'data.sync-20260101-000000-abcdef';

/**
 * The holes the security review found (issue 7), sent on every run whatever the seed draws, so that
 * one coming back is caught at once. Judged like every other request: no 5xx, no leak, fast, an
 * audit row per mutation, nothing created by a refusal, unknown keys and far dates refused.
 */
export const REGRESSIONS: Regression[] = [
  {
    why: 'jobs.list with a cursor that is not one answered 500 after ~20 s',
    path: 'jobs.list',
    caller: 'viewer',
    input: () => ({ cursor: 'x' }),
  },
  {
    why: 'jobs.list with a cursor of odd bytes',
    path: 'jobs.list',
    caller: 'viewer',
    input: () => ({ cursor: 'v\u0000\ud800%' }),
  },
  {
    why: 'audit.list with a 30-digit cursor answered 500',
    path: 'audit.list',
    caller: 'admin',
    input: () => ({ cursor: '123456789012345678901234567890' }),
  },
  {
    why: 'audit.list with a cursor that is no number',
    path: 'audit.list',
    caller: 'admin',
    input: () => ({ cursor: 'x' }),
  },
  {
    why: 'audit.list with a date Postgres cannot store',
    path: 'audit.list',
    caller: 'admin',
    input: () => ({ from: '0000-01-01T00:00:00Z', to: '9999-12-31T23:59:59Z' }),
  },
  {
    why: 'NUL in the login email',
    path: 'auth.login',
    caller: 'anonymous',
    input: () => ({ email: 'admin\u0000@localhost', password: 'wrong password' }),
  },
  {
    why: 'NUL in a new user',
    path: 'users.create',
    caller: 'admin',
    input: () => ({
      email: 'nul\u0000@fuzz.test',
      name: 'a\u0000b',
      role: 'viewer',
      password: 'copper-lantern-quiet-meadow-orbit',
    }),
  },
  {
    why: 'NUL in a user name',
    path: 'users.update',
    caller: 'admin',
    input: (ctx) => ({ id: ctx.adminUserId, name: 'Admin\u0000istrator' }),
  },
  {
    why: 'NUL in a template',
    path: 'templates.create',
    caller: 'admin',
    input: () => ({ name: 'nul\u0000template', description: 'd\u0000', ...oneRecordSync('fuzz.nul') }),
  },
  {
    why: 'NUL in an idempotency key',
    path: 'jobs.enqueue',
    caller: 'operator',
    input: () => ({ ...oneRecordSync('fuzz.nul'), options: { idempotencyKey: 'key\u0000nul' } }),
  },
  {
    why: 'NUL in a job input value',
    path: 'jobs.enqueue',
    caller: 'operator',
    input: () => ({
      type: 'webhook.deliver',
      input: { url: 'http://127.0.0.1:9/hook', payload: { note: 'a\u0000b' } },
    }),
  },
  {
    why: 'NUL in a job input key',
    path: 'jobs.enqueue',
    caller: 'operator',
    input: () => ({ type: 'webhook.deliver', input: { url: 'http://127.0.0.1:9/hook', payload: { 'k\u0000': 1 } } }),
  },
  {
    why: 'NUL in a rate-limit key',
    path: 'jobs.enqueue',
    caller: 'operator',
    input: () => ({
      ...oneRecordSync('fuzz.nul'),
      options: { rateLimit: { key: 'r\u0000', limit: 1, intervalMs: 1000 } },
    }),
  },
  {
    why: 'NUL in a queue pause note',
    path: 'queues.pause',
    caller: 'operator',
    input: () => ({ queue: 'sync', note: 'n\u0000ote' }),
  },
  {
    why: 'NUL in a schedule',
    path: 'schedules.create',
    caller: 'admin',
    input: () => ({
      name: 'nul\u0000schedule',
      description: 'd\u0000',
      cron: ['@daily'],
      ...oneRecordSync('fuzz.nul'),
    }),
  },
  {
    why: 'NUL in a terminate reason',
    path: 'jobs.terminate',
    caller: 'operator',
    input: (ctx) => ({ id: firstJob(ctx), reason: 'because\u0000of this' }),
  },
  {
    why: 'runAt in year 9999 was accepted',
    path: 'jobs.enqueue',
    caller: 'operator',
    input: () => ({ ...oneRecordSync('fuzz.far'), options: { runAt: '9999-12-31T23:59:59Z' } }),
  },
  {
    why: 'an anonymous login stored a 900 KB field in the audit row',
    path: 'auth.login',
    caller: 'anonymous',
    input: () => ({ email: `${'x'.repeat(900_000)}@fuzz.test`, password: 'x' }),
  },
  {
    why: 'an anonymous login with a 900 KB password',
    path: 'auth.login',
    caller: 'anonymous',
    input: () => ({ email: 'someone@fuzz.test', password: 'p'.repeat(900_000) }),
  },
  {
    why: 'queries ignored unknown keys',
    path: 'jobs.get',
    caller: 'viewer',
    input: (ctx) => ({ id: firstJob(ctx), extra: 1 }),
    unknownKey: 'extra',
  },
  {
    why: 'queries ignored unknown keys',
    path: 'jobs.list',
    caller: 'viewer',
    input: () => ({ limit: 5, stateX: 'failed' }),
    unknownKey: 'stateX',
  },
  {
    why: 'queries ignored unknown keys',
    path: 'audit.list',
    caller: 'admin',
    input: () => ({ limit: 5, actorId: 'x' }),
    unknownKey: 'actorId',
  },
  {
    why: 'queries ignored unknown keys',
    path: 'templates.get',
    caller: 'viewer',
    input: () => ({ id: '00000000-0000-4000-8000-000000000000', x: 1 }),
    unknownKey: 'x',
  },
  {
    why: 'a 5xx carried server paths and source lines',
    path: 'audit.list',
    caller: 'admin',
    input: () => ({ cursor: '9'.repeat(400) }),
  },
];

function regressionPlan(index: number, ctx: PlanContext): Plan {
  const regression = REGRESSIONS[index - REGRESSION_BASE]!;
  const procedure = ctx.procedures.find((candidate) => candidate.path === regression.path)!;
  const input = regression.input(ctx);
  const call: Call = {
    path: procedure.path,
    kind: procedure.kind,
    input,
    label: `regression: ${regression.why}`,
    schemaValid: acceptsInput(procedure, input),
  };
  if (regression.unknownKey) {
    call.unknownKey = regression.unknownKey;
    call.unknownKeyAt = '(root)';
  }
  return {
    index,
    target: 'fuzz',
    caller: ctx.callers[regression.caller][0]!,
    mode: 'single',
    method: procedure.kind === 'mutation' ? 'POST' : 'GET',
    calls: [call],
  };
}
