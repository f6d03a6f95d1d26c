// Runs the planned requests with a bounded concurrency, judges each answer, and keeps what is needed
// for the report: counts per procedure and status, and every finding grouped by kind.
import type { Answer, Call, Plan } from './http';
import { send } from './http';
import type { Ledger } from './ledger';
import { planFor, REGRESSION_BASE, REGRESSIONS, type PlanContext } from './plan';

export type FindingKind =
  | '5xx'
  | 'leak'
  | 'shape'
  | 'no answer'
  | 'slow'
  | 'accepted input its schema refuses'
  | 'query accepted an unknown key'
  | 'far-future runAt accepted'
  /** Not failures: what the report shows for judgement. */
  | 'observation: a mutation or subscription accepted an unknown key';

export const FAILING_KINDS: FindingKind[] = [
  '5xx',
  'leak',
  'shape',
  'no answer',
  'slow',
  'accepted input its schema refuses',
  'query accepted an unknown key',
  'far-future runAt accepted',
];

export interface Finding {
  kind: FindingKind;
  plan: Plan;
  call: Call | null;
  status: number | null;
  message: string;
  excerpt: string;
}

export interface RunResult {
  seed: number;
  requests: number;
  calls: number;
  ms: number;
  perProcedure: Map<string, number>;
  /** The slowest answer of each procedure (single calls), in ms. */
  slowest: Map<string, number>;
  /** HTTP statuses of requests, by target. */
  httpStatuses: Map<string, number>;
  /** Statuses of individual calls (batch entries count one each). */
  callStatuses: Map<string, number>;
  findings: Finding[];
}

export const SLOW_MS = 10_000;
const YEAR_MS = 366 * 86_400_000;

function bump(map: Map<string, number>, key: string, by = 1) {
  map.set(key, (map.get(key) ?? 0) + by);
}

/**
 * What earlier requests sent (short inputs only): list answers show data other requests stored, so a
 * "leak" that some request sent itself is no leak. Huge inputs are repeated characters: not kept.
 */
const sentEarlier: string[] = [];
function remember(plan: Plan) {
  for (const call of plan.calls) {
    const json = JSON.stringify(call.input);
    if (json && json.length <= 4096) sentEarlier.push(json);
  }
}
function sentByAnyone(match: string): boolean {
  const escaped = JSON.stringify(match).slice(1, -1);
  return sentEarlier.some((json) => json.includes(match) || json.includes(escaped));
}

function judge(plan: Plan, answer: Answer, findings: Finding[]): void {
  const add = (kind: FindingKind, call: Call | null, status: number | null, message: string) => {
    const own = call && plan.calls.length > 1 ? answer.outcomes[plan.calls.indexOf(call)]?.excerpt : undefined;
    findings.push({ kind, plan, call, status, message, excerpt: (own ?? answer.excerpt).slice(0, 1000) });
  };
  if (answer.failure) {
    add('no answer', plan.calls[0] ?? null, answer.status, answer.failure);
    return;
  }
  if (answer.headRefused) return;
  const single = plan.calls.length === 1 ? plan.calls[0]! : null;
  const httpFailed = answer.status !== null && answer.status >= 500;
  if (httpFailed) {
    const first = answer.outcomes[0];
    add(
      '5xx',
      single,
      answer.status,
      single ? `${first?.code ?? '?'}: ${first?.message ?? ''}` : `HTTP ${answer.status}`,
    );
  }
  for (const problem of answer.problems)
    if (!(problem.match && sentByAnyone(problem.match))) add(problem.kind, single, answer.status, problem.detail);
  if (answer.ms > SLOW_MS) add('slow', single, answer.status, `answered after ${(answer.ms / 1000).toFixed(1)} s`);
  plan.calls.forEach((call, index) => {
    const outcome = answer.outcomes[index]!;
    // A batch answered 207 hides a 500 inside: each entry counts on its own.
    if (outcome.status !== null && outcome.status >= 500 && !(httpFailed && single))
      add('5xx', call, outcome.status, `${outcome.code ?? '?'}: ${outcome.message ?? ''}`);
    if (outcome.code !== 'ok') return;
    if (call.schemaValid === false)
      add('accepted input its schema refuses', call, outcome.status, `answered ok to ${call.label}`);
    if (call.unknownKey !== undefined) {
      const clientKey = call.unknownKey === 'direction' && call.unknownKeyAt === '(root)';
      if (call.kind === 'query' && !clientKey)
        add(
          'query accepted an unknown key',
          call,
          outcome.status,
          `key ${JSON.stringify(call.unknownKey.slice(0, 40))} at ${call.unknownKeyAt}`,
        );
      else if (call.kind !== 'query')
        add(
          'observation: a mutation or subscription accepted an unknown key',
          call,
          outcome.status,
          `key ${JSON.stringify(call.unknownKey.slice(0, 40))} at ${call.unknownKeyAt}`,
        );
    }
    if (call.path === 'jobs.enqueue' && call.schemaValid !== null) {
      const runAt = (call.input as { options?: { runAt?: unknown } } | undefined)?.options?.runAt;
      if (typeof runAt === 'string' && Date.parse(runAt) > Date.now() + YEAR_MS)
        add(
          'far-future runAt accepted',
          call,
          outcome.status,
          `runAt ${runAt} (more than a year ahead; delayMs stops at 365 days)`,
        );
    }
  });
}

export interface RunOptions {
  ctx: PlanContext;
  total: number;
  concurrency: number;
  fuzzUrl: string;
  realUrl: string;
  ledger: Ledger;
  /** Only these request indexes (a replay). */
  only?: number[];
  /** Stop starting new requests after this long (the run reports how many it made). */
  budgetMs?: number;
  progress?: (done: number, total: number) => void;
}

export async function runFuzz(options: RunOptions): Promise<RunResult> {
  const { ctx, ledger } = options;
  // The regression requests go last, when the pools hold ids that exist.
  const regressions = REGRESSIONS.map((_, index) => REGRESSION_BASE + index);
  const indexes = options.only?.length
    ? options.only
    : [...Array.from({ length: options.total }, (_, index) => index), ...regressions];
  const result: RunResult = {
    seed: ctx.seed,
    requests: 0,
    calls: 0,
    ms: 0,
    perProcedure: new Map(),
    slowest: new Map(),
    httpStatuses: new Map(),
    callStatuses: new Map(),
    findings: [],
  };
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < indexes.length) {
      if (options.budgetMs && performance.now() - started > options.budgetMs) return;
      const index = indexes[next++]!;
      const plan = planFor(index, ctx);
      remember(plan);
      const answer = await send(plan.target === 'fuzz' ? options.fuzzUrl : options.realUrl, plan);
      if (plan.target === 'fuzz') ledger.record(plan, answer);
      if (process.env.JOBDECK_FUZZ_TRACE && ((answer.bytes ?? 0) > 1e6 || index % 100 === 0)) {
        console.log(
          `trace #${index} ${plan.calls
            .map((call) => call.path)
            .join(',')
            .slice(
              0,
              80,
            )} ${answer.status} ${answer.bytes ?? '-'} chars ${Math.round(answer.ms)} ms heap ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB rss ${Math.round(process.memoryUsage().rss / 1e6)} MB`,
        );
      }
      judge(plan, answer, result.findings);
      result.requests++;
      result.calls += plan.calls.length;
      bump(
        result.httpStatuses,
        `${plan.target} ${answer.failure ? 'no answer' : answer.headRefused ? 'reset (head > 16 KiB)' : answer.status}`,
      );
      if (plan.calls.length === 1 && !answer.failure && plan.mode === 'single') {
        const path = plan.calls[0]!.kind === 'unknown' ? '(unknown procedure)' : plan.calls[0]!.path;
        result.slowest.set(path, Math.max(result.slowest.get(path) ?? 0, Math.round(answer.ms)));
      }
      plan.calls.forEach((call, callIndex) => {
        bump(result.perProcedure, call.kind === 'unknown' ? '(unknown procedure)' : call.path);
        const outcome = answer.outcomes[callIndex];
        bump(result.callStatuses, `${outcome?.status ?? 'none'} ${outcome?.code ?? ''}`.trim());
      });
      if (result.requests % 500 === 0) options.progress?.(result.requests, indexes.length);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  result.ms = performance.now() - started;
  return result;
}

// ---------------------------------------------------------------------------------------------
// The report

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length)}…(${text.length} chars)` : text;
}

/** JSON that shows odd characters (NUL, lone surrogates, direction overrides) as escapes. */
export function visible(value: unknown, length = 300): string {
  let json: string;
  try {
    json = value === undefined ? '(no input)' : (JSON.stringify(value) ?? String(value));
  } catch (error) {
    json = `(unserialisable: ${(error as Error).message})`;
  }
  return truncate(
    json.replace(
      // eslint-disable-next-line no-control-regex -- the control characters are what it shows
      /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff0-\uffff]|[\ud800-\udfff]/g,
      (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
    ),
    length,
  );
}

function labelKind(call: Call | null, plan: Plan): string {
  const input = call
    ? call.label
        .split(' + ')
        .map((label) => label.split('@')[0])
        .join('+')
    : 'batch';
  return plan.transport ? `${plan.transport} / ${input}` : input;
}

function normalise(message: string): string {
  return message
    .replace(/"[^"]{12,}"/g, '"…"')
    .replace(/\d+/g, '#')
    .slice(0, 140);
}

export function groupFindings(findings: Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const key = [
      finding.kind,
      finding.plan.target,
      finding.call?.path ??
        `batch(${finding.plan.calls
          .map((call) => call.path)
          .join(',')
          .slice(0, 60)})`,
      finding.plan.caller.name,
      labelKind(finding.call, finding.plan),
      finding.status ?? '-',
      normalise(finding.message),
    ].join(' | ');
    groups.set(key, [...(groups.get(key) ?? []), finding]);
  }
  return groups;
}

export function describeFinding(finding: Finding, seed: number): string {
  const { plan } = finding;
  const input = finding.call
    ? visible(finding.call.input)
    : visible(
        plan.calls.map((call) => ({ path: call.path, input: call.input })),
        400,
      );
  return [
    `    replay: JOBDECK_FUZZ_SEED=${seed} JOBDECK_FUZZ_ONLY=${plan.index}  (${plan.target}, ${plan.caller.name}, ${plan.method} ${plan.mode}${plan.transport ? `, ${plan.transport}` : ''})`,
    `    call:   ${finding.call ? `${finding.call.path} [${finding.call.label}]` : `${plan.calls.length} calls`}`,
    `    input:  ${input}`,
    plan.rawBody !== undefined
      ? `    body:   ${visible(typeof plan.rawBody === 'string' ? plan.rawBody : `bytes ${Buffer.from(plan.rawBody).toString('hex')}`, 200)}`
      : null,
    plan.rawQuery !== undefined ? `    query:  ${truncate(plan.rawQuery, 200)}` : null,
    `    answer: ${finding.status ?? '-'} ${finding.message ? `${truncate(finding.message, 300)} ` : ''}${visible(finding.excerpt, 400)}`,
  ]
    .filter(Boolean)
    .join('\n');
}

export function formatFindings(findings: Finding[], seed: number, examples = 2): string {
  const groups = [...groupFindings(findings)].sort((a, b) => b[1].length - a[1].length);
  return groups
    .map(([key, members]) =>
      [
        `  ${members.length} × ${key}`,
        ...members.slice(0, examples).map((finding) => describeFinding(finding, seed)),
      ].join('\n'),
    )
    .join('\n');
}

export function formatSummary(result: RunResult): string {
  const table = (map: Map<string, number>, extra?: Map<string, number>) =>
    [...map]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(
        ([key, count]) =>
          `    ${key.padEnd(28)} ${String(count).padStart(6)}${extra?.has(key) ? `   slowest ${extra.get(key)} ms` : ''}`,
      )
      .join('\n');
  const kinds = new Map<string, number>();
  for (const finding of result.findings) bump(kinds, finding.kind);
  return [
    `fuzz: seed ${result.seed}: ${result.requests} requests (${result.calls} calls) in ${(result.ms / 1000).toFixed(1)} s, ${(result.requests / (result.ms / 1000)).toFixed(0)} requests/s`,
    `  calls per procedure:\n${table(result.perProcedure, result.slowest)}`,
    `  HTTP status per request:\n${table(result.httpStatuses)}`,
    `  status per call:\n${table(result.callStatuses)}`,
    `  findings by kind:\n${kinds.size ? table(kinds) : '    none'}`,
  ].join('\n');
}
