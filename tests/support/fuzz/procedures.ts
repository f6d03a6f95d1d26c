// Every procedure of the router with its own zod schema, the JSON Schema zod derives from it, and an
// arbitrary of plausible valid input: the generic schema walk plus a few hints where a schema alone
// cannot say what is plausible (ids that exist, a job type's own input, valid cron expressions).
import fc from 'fast-check';
import { z } from 'zod';
import { jobTypes } from '@jobdeck/workflows';
import { isoDateTime, schemaArbitrary, type JsonSchema } from './schema-arbitrary';

export type ProcedureKind = 'query' | 'mutation' | 'subscription';

export interface ProcedureInfo {
  path: string;
  kind: ProcedureKind;
  /** The zod schemas the procedure parses its input with, in order (empty: no input). */
  schemas: z.ZodType[];
  jsonSchema: JsonSchema | null;
  /** Plausible valid input; null for procedures without input. */
  valid: fc.Arbitrary<unknown> | null;
}

/** Ids the fuzzer has seen created, so that valid draws also reach the code behind a "found". */
export interface Pools {
  jobs(): readonly string[];
  templates(): readonly string[];
  users(): readonly string[];
  tokens(): readonly string[];
  schedules(): readonly string[];
  emails(): readonly string[];
  /** Email and password of users the run created: their logins succeed (until reset, disabled or locked out). */
  credentials(): readonly { email: string; password: string }[];
  /** A password that works for the first admin: a few logins succeed and open sessions. */
  adminPassword: string | null;
}

export const emptyPools: Pools = {
  jobs: () => [],
  templates: () => [],
  users: () => [],
  tokens: () => [],
  schedules: () => [],
  emails: () => [],
  credentials: () => [],
  adminPassword: null,
};

const QUEUES = ['sync', 'webhooks', 'reports', 'maintenance', 'jobdeck-bookkeeping'];
const CRONS = [
  '*/5 * * * *',
  '0 3 * * *',
  '@daily',
  '@hourly',
  '15 10 * * MON-FRI',
  '0 0 1 * *',
  '30 2 * * 0',
  '0 */6 * * *',
  '0 9-17 * * 1-5',
  '@weekly',
];
const INTERVALS = [
  { every: '10m' },
  { every: '1h', offset: '5m' },
  { every: '90s' },
  { every: '6h' },
  { every: '1d', offset: '3h' },
  { every: '30m', offset: '1m' },
];
const PASSPHRASE_WORDS = [
  'copper',
  'lantern',
  'quiet',
  'meadow',
  'orbit',
  'saffron',
  'glacier',
  'tundra',
  'violet',
  'harbor',
  'pepper',
  'falcon',
  'marble',
  'cobalt',
  'juniper',
  'sonnet',
];
const SEARCH_TEXTS = [
  'webhook',
  '"answered 503"',
  'error:timeout',
  'input:acme -by:alice',
  'type:report.generate',
  'id:data.sync-2026',
  'customer:acme',
  '-failed sync',
];
const TIME_ZONES = ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney', 'America/Sao_Paulo'];

/** One of the pool's ids, or (when empty, or sometimes anyway) a fresh plausible one. */
function fromPool(pool: () => readonly string[], fallback: fc.Arbitrary<string>, poolWeight = 3): fc.Arbitrary<string> {
  return fc.tuple(fc.nat(), fallback, fc.integer({ min: 0, max: poolWeight })).map(([k, fresh, coin]) => {
    const ids = pool();
    return ids.length && coin > 0 ? ids[k % ids.length]! : fresh;
  });
}

const jobIdLike = fc
  .tuple(
    fc.constantFrom(...jobTypes.map((jobType) => jobType.type)),
    fc.date({ min: new Date('2025-01-01'), max: new Date('2027-12-31'), noInvalidDate: true }),
    fc.stringMatching(/^[a-f0-9]{6}$/),
  )
  .map(
    ([type, date, suffix]) =>
      `${type}-${date.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}-${suffix}`,
  );

/** A job type other than flow.run with a plausible input of its own schema. */
const plainTypedInput = fc.oneof(
  ...jobTypes
    .filter((jobType) => jobType.type !== 'flow.run')
    .map((jobType) =>
      schemaArbitrary(z.toJSONSchema(jobType.input, { io: 'input', unrepresentable: 'any' }) as JsonSchema).map(
        (input) => ({ type: jobType.type, input }),
      ),
    ),
);

/**
 * A flow whose shape is valid (unique keys, edges between its nodes, no cycle): a schema walk would
 * draw dangling edges and duplicate keys, which flowDefinition refuses before anything runs.
 */
const flowArbitrary = fc
  .tuple(
    fc.stringMatching(/^[a-z][a-z0-9 ]{0,30}$/),
    fc.array(plainTypedInput, { minLength: 1, maxLength: 3 }),
    fc.boolean(),
    fc.constantFrom('stop', 'continue'),
    fc.integer({ min: 0, max: 86_400_000 }),
  )
  .map(([name, typed, chained, onFailure, retryWindowMs]) => ({
    name,
    nodes: typed.map((node, index) => ({ key: `n${index}`, ...node })),
    edges: chained ? typed.slice(1).map((_, index) => ({ from: `n${index}`, to: `n${index + 1}` })) : [],
    onFailure,
    retryWindowMs,
  }));

/** A job type with a plausible input of its own schema (a flow.run's input is a flow). */
const typedInput = jobTypes.some((jobType) => jobType.type === 'flow.run')
  ? fc.oneof(
      { arbitrary: plainTypedInput, weight: 10 },
      { arbitrary: flowArbitrary.map((input) => ({ type: 'flow.run', input })), weight: 1 },
    )
  : plainTypedInput;

function hintsFor(path: string, pools: Pools) {
  const domain = path.split('.')[0];
  const idPool: Record<string, [() => readonly string[], fc.Arbitrary<string>]> = {
    jobs: [pools.jobs, jobIdLike],
    templates: [pools.templates, fc.uuid({ version: 4 })],
    users: [pools.users, fc.uuid({ version: 4 })],
    tokens: [pools.tokens, fc.uuid({ version: 4 })],
    schedules: [pools.schedules, fc.stringMatching(/^sched-[a-z0-9-]{1,30}$/)],
    // A flow's id is a flow.run job's id.
    flows: [pools.jobs, jobIdLike],
  };
  return (schema: { [key: string]: unknown }, at: string[]): fc.Arbitrary<unknown> | undefined => {
    const key = at.at(-1);
    const parent = at.at(-2);
    if (schema.type !== 'string') return undefined;
    if (key === 'id' && at.length === 1 && domain && idPool[domain]) return fromPool(...idPool[domain]!);
    // Ids of jobs, except the alert firings the bell marks read.
    if (parent === 'ids') return path.startsWith('alerts.') ? fc.uuid({ version: 4 }) : fromPool(pools.jobs, jobIdLike);
    if (key === 'templateId') return fromPool(pools.templates, fc.uuid({ version: 4 }));
    if (key === 'queue')
      return fc.oneof(
        { arbitrary: fc.constantFrom(...QUEUES), weight: 3 },
        { arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/), weight: 1 },
      );
    if (key === 'timezone') return fc.constantFrom(...TIME_ZONES);
    // A search's free text: terms of three characters or more, phrases, fields and exclusions.
    if (key === 'q' && parent === 'search')
      return fc.oneof(
        { arbitrary: fc.constantFrom(...SEARCH_TEXTS), weight: 4 },
        { arbitrary: fc.string({ maxLength: 40 }), weight: 1 },
      );
    if (parent === 'cron')
      return fc.oneof(
        { arbitrary: fc.constantFrom(...CRONS), weight: 4 },
        { arbitrary: fc.string({ maxLength: 20 }), weight: 1 },
      );
    if (path === 'auth.login' && key === 'email') {
      return fc.oneof(
        fc.constant('admin@localhost'),
        fromPool(pools.emails, fc.emailAddress()),
        fc.stringMatching(/^[^\s@]{1,20}@[^\s@]{1,20}$/),
      );
    }
    if (path === 'auth.login' && key === 'password' && pools.adminPassword) {
      return fc.oneof(
        { arbitrary: fc.constant(pools.adminPassword), weight: 1 },
        { arbitrary: fc.string({ minLength: 1, maxLength: 40 }), weight: 3 },
      );
    }
    if (key === 'email')
      return fc.oneof(
        fc.emailAddress().filter((email) => email.length <= 254),
        fc.stringMatching(/^[^\s@]{1,20}@[^\s@]{1,20}$/),
      );
    if (key === 'runAt') return isoDateTime(0.01, 30);
    // A silence ends in the future, at most 30 days ahead.
    if (path === 'alerts.rules.silence' && key === 'until') return isoDateTime(0.01, 29);
    // A rule's job type is one of the catalogue (the API checks it), an email channel's addresses plain ones.
    if (parent === 'condition' && key === 'type') return fc.constantFrom(...jobTypes.map((jobType) => jobType.type));
    if (parent === 'to' && path.startsWith('alerts.channels.'))
      return fc.stringMatching(/^[a-z0-9]{1,12}@[a-z0-9]{1,10}\.(com|org|dev)$/);
    // A backfill covers the past.
    if (path === 'schedules.backfill' && (key === 'start' || key === 'end')) return isoDateTime(-30, -0.01);
    // Passwords are checked for strength: a passphrase of unrelated words passes.
    if (key === 'password' && path.startsWith('users.')) {
      return fc.oneof(
        {
          arbitrary: fc
            .array(fc.constantFrom(...PASSPHRASE_WORDS), { minLength: 4, maxLength: 6 })
            .map((words) => words.join('-')),
          weight: 4,
        },
        { arbitrary: fc.string({ minLength: 10, maxLength: 40 }), weight: 1 },
      );
    }
    return undefined;
  };
}

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Rules shared by several schemas, wherever they nest (a bulk.action job's input is a bulk request). */
function fixNested(value: unknown, depth = 0): unknown {
  if (depth > 6) return value;
  if (Array.isArray(value)) value.forEach((item) => fixNested(item, depth + 1));
  if (!isObj(value)) return value;
  // A bulk request (jobs.bulk, a bulk.action job's input) selects by exactly one of ids, filter or search.
  if (typeof value.action === 'string') {
    const given = (['ids', 'filter', 'search'] as const).filter((key) => value[key] !== undefined);
    const kept = given[(Array.isArray(value.ids) ? value.ids.length : 0) % Math.max(1, given.length)];
    for (const key of given) if (key !== kept) delete value[key];
    if (!kept && 'changes' in value) value.filter = {};
    // Only rerun_from_step takes a step, and it needs one.
    if (value.action === 'rerun_from_step') {
      if (!isObj(value.step)) value.step = { activity: 'deliverReport' };
    } else delete value.step;
  }
  // A search's ranges are ordered: time ranges from before to, count ranges min at most max.
  if (
    typeof value.from === 'string' &&
    typeof value.to === 'string' &&
    Date.parse(value.to) <= Date.parse(value.from)
  ) {
    if (value.from === value.to) delete value.to;
    else [value.from, value.to] = [value.to, value.from];
  }
  if (typeof value.min === 'number' && typeof value.max === 'number' && value.max < value.min)
    [value.min, value.max] = [value.max, value.min];
  // A bulk filter by failure group holds failed jobs only.
  if (typeof value.errorGroup === 'string' && value.bucket !== undefined && value.bucket !== 'failed')
    delete value.bucket;
  // jobs.retryActivityNow's retry options are ordered as a retry's backoff is.
  const backoff = isObj(value.backoff) ? value.backoff : value.retry;
  if (
    isObj(backoff) &&
    typeof backoff.initialIntervalMs === 'number' &&
    typeof backoff.maximumIntervalMs === 'number' &&
    backoff.maximumIntervalMs < backoff.initialIntervalMs
  ) {
    [backoff.initialIntervalMs, backoff.maximumIntervalMs] = [backoff.maximumIntervalMs, backoff.initialIntervalMs];
  }
  for (const key of Object.keys(value)) fixNested(value[key], depth + 1);
  return value;
}

/** Whole-object hints: cross-field rules (either/or, ordering) that a schema walk cannot know. */
function finish(path: string, base: fc.Arbitrary<unknown>, pools: Pools): fc.Arbitrary<unknown> {
  return finishFor(path, base, pools).map((value) => fixNested(value));
}

function finishFor(path: string, base: fc.Arbitrary<unknown>, pools: Pools): fc.Arbitrary<unknown> {
  switch (path) {
    case 'auth.login':
      // Now and then the credentials of a user the run made: a login that succeeds opens a session.
      return fc.tuple(base, fc.nat(), fc.integer({ min: 0, max: 2 })).map(([value, k, coin]) => {
        const credentials = pools.credentials();
        return credentials.length && coin === 0 ? { ...credentials[k % credentials.length]! } : value;
      });
    case 'jobs.enqueue':
      return base.map((value) => {
        const options = isObj(value) ? value.options : undefined;
        if (isObj(options) && options.delayMs !== undefined && options.runAt !== undefined) delete options.runAt;
        return value;
      });
    case 'jobs.startLike':
      return base.map((value) => {
        const options = isObj(value) ? value.options : undefined;
        if (isObj(options) && options.delayMs !== undefined && options.runAt !== undefined) delete options.runAt;
        return value;
      });
    case 'jobs.bulk':
    case 'jobs.bulkPreview':
      return fc.tuple(base, fc.boolean()).map(([value, useIds]) => {
        if (!isObj(value)) return value;
        const given = (['ids', 'filter', 'search'] as const).filter((key) => value[key] !== undefined);
        const kept = useIds && given.includes('ids') ? 'ids' : given.at(-1);
        for (const key of given) if (key !== kept) delete value[key];
        if (!kept) value.filter = {};
        return value;
      });
    case 'alerts.inbox.markRead':
      // Either ids or all, never both.
      return fc.tuple(base, fc.boolean()).map(([value, useIds]) => {
        if (!isObj(value)) return value;
        if (useIds && Array.isArray(value.ids)) delete value.all;
        else {
          delete value.ids;
          value.all = true;
        }
        return value;
      });
    case 'flows.start':
      // The flow's own options, when drawn, around a flow whose shape is valid.
      return fc
        .tuple(base, flowArbitrary)
        .map(([value, flow]) => (isObj(value) && isObj(value.options) ? { ...flow, options: value.options } : flow));
    case 'templates.create':
    case 'templates.update':
      return fc.tuple(base, typedInput).map(([value, typed]) => (isObj(value) ? { ...value, ...typed } : value));
    case 'schedules.create':
    case 'schedules.update':
      return fc
        .tuple(
          base,
          typedInput,
          fc.subarray(CRONS, { minLength: 0, maxLength: 2 }),
          fc.subarray(INTERVALS, { minLength: 0, maxLength: 2 }),
          fc.boolean(),
        )
        .map(([value, typed, cron, intervals, fromTemplate]) => {
          if (!isObj(value)) return value;
          const result: Obj = { ...value, cron, intervals: intervals.map((interval) => ({ ...interval })) };
          if (!cron.length && !intervals.length) result.cron = ['*/5 * * * *'];
          if (fromTemplate && typeof value.templateId === 'string') {
            delete result.type;
            delete result.input;
          } else {
            Object.assign(result, typed);
            if (!fromTemplate) delete result.templateId;
          }
          if (
            typeof result.startAt === 'string' &&
            typeof result.endAt === 'string' &&
            Date.parse(result.endAt) <= Date.parse(result.startAt)
          )
            delete result.endAt;
          return result;
        });
    case 'schedules.validate':
      return fc
        .tuple(base, fc.subarray(CRONS, { maxLength: 3 }), fc.subarray(INTERVALS, { maxLength: 2 }))
        .map(([value, cron, intervals]) =>
          isObj(value)
            ? {
                ...value,
                cron: [...(Array.isArray(value.cron) ? value.cron.slice(0, 2) : []), ...cron].slice(0, 10),
                intervals,
              }
            : value,
        );
    case 'schedules.backfill':
      return base.map((value) => {
        if (
          isObj(value) &&
          typeof value.start === 'string' &&
          typeof value.end === 'string' &&
          Date.parse(value.end) < Date.parse(value.start)
        ) {
          [value.start, value.end] = [value.end, value.start];
        }
        return value;
      });
    case 'insight.trends':
    case 'insight.performance':
    case 'insight.failures':
      // A custom window names its range (at least a minute, at most 400 days); a preset names none.
      return fc
        .tuple(base, fc.integer({ min: 0, max: 60 * 24 * 90 }), fc.integer({ min: 1, max: 60 * 24 * 400 }))
        .map(([value, minutesAgo, spanMinutes]) => {
          if (!isObj(value)) return value;
          if (value.window !== 'custom') {
            delete value.from;
            delete value.to;
            return value;
          }
          const to = Date.now() - minutesAgo * 60_000;
          return { ...value, from: new Date(to - spanMinutes * 60_000).toISOString(), to: new Date(to).toISOString() };
        });
    default:
      return base;
  }
}

function kindOf(procedure: { _def: { type?: string } }): ProcedureKind {
  const type = procedure._def.type;
  return type === 'mutation' || type === 'subscription' ? type : 'query';
}

/** The procedures of a tRPC router, each with its schema(s) and a plausible-valid-input arbitrary. */
export function procedureCatalogue(
  router: { _def: { procedures: unknown } },
  pools: Pools = emptyPools,
): ProcedureInfo[] {
  const procedures = router._def.procedures as Record<string, { _def: { type?: string; inputs?: unknown[] } }>;
  return Object.entries(procedures)
    .map(([path, procedure]) => {
      const schemas = (procedure._def.inputs ?? []) as z.ZodType[];
      const jsonSchema = schemas.length
        ? (z.toJSONSchema(schemas[0]!, { io: 'input', unrepresentable: 'any' }) as JsonSchema)
        : null;
      const valid =
        jsonSchema === null
          ? null
          : finish(path, schemaArbitrary(jsonSchema, { override: hintsFor(path, pools) }), pools);
      return { path, kind: kindOf(procedure), schemas, jsonSchema, valid };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** Whether the procedure's own schemas accept the input (what the server must refuse when not). */
export function acceptsInput(procedure: ProcedureInfo, input: unknown): boolean {
  if (!procedure.schemas.length) return true;
  try {
    return procedure.schemas.every((schema) => schema.safeParse(input).success);
  } catch {
    // A schema that throws instead of answering refuses nothing cleanly: the server's answer tells the rest.
    return false;
  }
}
