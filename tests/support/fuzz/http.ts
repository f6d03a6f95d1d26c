// Sends one planned request the way any HTTP client could (single calls, batches, subscriptions,
// malformed bodies and headers) and reads the answer call by call: a batch answers 207 when its
// calls end differently, so a 500 inside it only shows in its own entry.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProcedureKind } from './procedures';

export type CallerName = 'anonymous' | 'bad-token' | 'viewer' | 'operator' | 'admin';

export interface Caller {
  name: CallerName;
  /** The Authorization header, if any. */
  authorization?: string;
  /** The role the audit trail records for this caller (null: not signed in). */
  role: 'viewer' | 'operator' | 'admin' | null;
}

export interface Call {
  path: string;
  kind: ProcedureKind | 'unknown';
  /** The input as a value (undefined: none sent). */
  input: unknown;
  /** What was done to the input: `valid`, `nul-byte@options.idempotencyKey`, `malformed-json`… */
  label: string;
  /** Whether the procedure's own schema accepts `input` (null: not a plain JSON value was sent). */
  schemaValid: boolean | null;
  /** An unknown key added to an otherwise valid input, where the schema has no such field. */
  unknownKey?: string;
  /** Where it was added (`(root)`, `options`…). */
  unknownKeyAt?: string;
}

export interface Plan {
  index: number;
  target: 'fuzz' | 'real';
  caller: Caller;
  mode: 'single' | 'batch' | 'subscription';
  method: 'GET' | 'POST' | 'PUT';
  calls: Call[];
  /** Replaces the JSON body (malformed JSON, bytes that are not UTF-8, a form…). */
  rawBody?: string | Uint8Array;
  /** Replaces the query string after `?` (broken encodings, repeated parameters). */
  rawQuery?: string;
  contentType?: string | null;
  /** What was done to the request as a whole, if anything: `batch-as-array`, `content-type:text/plain`… */
  transport?: string;
}

export interface CallOutcome {
  /** The call's own status: the item's httpStatus in a batch, the HTTP status otherwise. */
  status: number | null;
  /** `ok`, or tRPC's error code. */
  code: string | null;
  message: string | null;
  /** The answer named this call's path: the procedure itself ran (and so its audit middleware). */
  ranProcedure: boolean;
  data?: unknown;
  /** This call's own entry of a batch answer, for reports. */
  excerpt?: string;
}

export interface Answer {
  status: number | null;
  ms: number;
  /** The first 4 KiB of the answer, for reports. */
  excerpt: string;
  /** Characters of the answer's body. */
  bytes?: number;
  /** Transport failure: no answer, reset, timeout. */
  failure: string | null;
  /**
   * The request's head (URL and headers) was over Node's 16 KiB limit and the server hung up, as
   * Node's HTTP parser does (431, then a reset while the client still writes): not a failure.
   */
  headRefused?: boolean;
  outcomes: CallOutcome[];
  /** What is wrong with the answer as a whole (shape, leaks). */
  problems: Array<{ kind: 'shape' | 'leak'; detail: string; /** For a leak: the text that matched. */ match?: string }>;
}

export const REQUEST_TIMEOUT_MS = 30_000;
/** Node's default --max-http-header-size. */
const NODE_MAX_HEADER_BYTES = 16 * 1024;

/** Server internals an answer must never show. */
export const LEAK_PATTERNS: Array<[string, RegExp]> = [
  ['server path', /\/work\//],
  ['node_modules', /node_modules/],
  ['source line', /\.(?:ts|tsx|mts|js|mjs|cjs):\d+/],
  ['stack frame', /\bat (?:async )?[\w$.<>[\]]+ \(/],
  ['file URL', /file:\/\//],
  ['Prisma invocation', /Invalid `[^`]*` invocation/],
];

function jsonOf(input: unknown): string | undefined {
  return input === undefined ? undefined : JSON.stringify(input);
}

function batchInput(calls: Call[]): string {
  const entries: string[] = [];
  calls.forEach((call, index) => {
    const json = jsonOf(call.input);
    if (json !== undefined) entries.push(`${JSON.stringify(String(index))}:${json}`);
  });
  return `{${entries.join(',')}}`;
}

/** The URL and the body of a plan, as bytes on the wire. */
export function requestOf(
  baseUrl: string,
  plan: Plan,
): { url: string; init: RequestInit & { headers: Record<string, string> } } {
  const headers: Record<string, string> = {};
  if (plan.caller.authorization !== undefined) headers.authorization = plan.caller.authorization;
  const contentType = plan.contentType === undefined ? 'application/json' : plan.contentType;
  const paths = plan.calls.map((call) => encodeURIComponent(call.path).replace(/%2C/gi, ',')).join(',');
  let url = `${baseUrl}/trpc/${paths}`;
  let body: string | Uint8Array | undefined;
  const query: string[] = [];
  if (plan.mode === 'batch') query.push('batch=1');
  if (plan.mode === 'subscription') headers.accept = 'text/event-stream';
  if (plan.method === 'GET') {
    const input = plan.mode === 'batch' ? batchInput(plan.calls) : jsonOf(plan.calls[0]?.input);
    if (input !== undefined) query.push(`input=${encodeURIComponent(input)}`);
  } else {
    body = plan.rawBody ?? (plan.mode === 'batch' ? batchInput(plan.calls) : (jsonOf(plan.calls[0]?.input) ?? ''));
    if (contentType !== null) headers['content-type'] = contentType;
  }
  if (plan.rawQuery !== undefined) url += `?${plan.rawQuery}`;
  else if (query.length) url += `?${query.join('&')}`;
  return { url, init: { method: plan.method, headers, body: body as BodyInit | undefined } };
}

function errorOutcome(error: any, path: string, fallbackStatus: number | null): CallOutcome {
  const data = error?.data ?? {};
  return {
    status: typeof data.httpStatus === 'number' ? data.httpStatus : fallbackStatus,
    code: typeof data.code === 'string' ? data.code : null,
    message: typeof error?.message === 'string' ? error.message : null,
    ranProcedure: data.path === path,
  };
}

/** Whether a parsed error has tRPC's shape: a message and a code. */
function wellFormedError(error: any): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof error.message === 'string' &&
    error.message.trim().length > 0 &&
    typeof error.data?.code === 'string'
  );
}

function readItems(plan: Plan, status: number, json: any, problems: Answer['problems']): CallOutcome[] {
  const { calls } = plan;
  const batchItem = (call: Call, index: number, item: any): CallOutcome => {
    if (item && typeof item === 'object' && 'result' in item)
      return { status: 200, code: 'ok', message: null, ranProcedure: true, data: item.result?.data };
    if (item && typeof item === 'object' && 'error' in item) {
      if (!wellFormedError(item.error))
        problems.push({
          kind: 'shape',
          detail: `batch entry ${index} (${call.path}) is an error without message or code`,
        });
      return errorOutcome(item.error, call.path, status);
    }
    problems.push({ kind: 'shape', detail: `batch entry ${index} (${call.path}) is neither a result nor an error` });
    return { status: null, code: null, message: null, ranProcedure: false };
  };
  if (plan.mode === 'batch') {
    if (Array.isArray(json)) {
      if (json.length !== calls.length)
        problems.push({ kind: 'shape', detail: `a batch of ${calls.length} calls answered ${json.length} entries` });
      return calls.map((call, index) => ({
        ...batchItem(call, index, json[index]),
        excerpt: JSON.stringify(json[index])?.slice(0, 1000),
      }));
    }
    // One error for the whole batch (unsupported content type, mixed kinds…).
    if (json && typeof json === 'object' && 'error' in json) {
      if (!wellFormedError(json.error)) problems.push({ kind: 'shape', detail: 'batch error without message or code' });
      return calls.map((call) => errorOutcome(json.error, call.path, status));
    }
    problems.push({ kind: 'shape', detail: 'a batch answered neither an array nor an error' });
    return calls.map(() => ({ status, code: null, message: null, ranProcedure: false }));
  }
  const call = calls[0]!;
  if (json && typeof json === 'object' && 'result' in json) {
    if (status >= 300) problems.push({ kind: 'shape', detail: `a result with HTTP ${status}` });
    return [{ status, code: 'ok', message: null, ranProcedure: true, data: json.result?.data }];
  }
  if (json && typeof json === 'object' && 'error' in json) {
    if (!wellFormedError(json.error)) problems.push({ kind: 'shape', detail: 'an error without message or code' });
    return [errorOutcome(json.error, call.path, status)];
  }
  problems.push({ kind: 'shape', detail: 'neither a result nor an error' });
  return [{ status, code: null, message: null, ranProcedure: false }];
}

/** Server-sent events: `connected`, data events, and `serialized-error` with tRPC's error inside. */
function readEvents(plan: Plan, text: string, problems: Answer['problems']): CallOutcome {
  const call = plan.calls[0]!;
  for (const block of text.split(/\r?\n\r?\n/)) {
    const event = /^event: ?(.*)$/m.exec(block)?.[1]?.trim();
    const data = block
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trimStart())
      .join('\n');
    if (event === 'serialized-error') {
      let error: any = null;
      try {
        error = JSON.parse(data);
      } catch {
        problems.push({ kind: 'shape', detail: 'a serialized-error event that is not JSON' });
      }
      if (error && !wellFormedError(error))
        problems.push({ kind: 'shape', detail: 'a serialized-error event without message or code' });
      return errorOutcome(error, call.path, null);
    }
  }
  return { status: 200, code: 'ok', message: null, ranProcedure: true };
}

function safeDecode(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}

export function leaksIn(text: string, sent: () => string): Array<{ kind: 'leak'; detail: string; match: string }> {
  const found: Array<{ kind: 'leak'; detail: string; match: string }> = [];
  for (const [name, pattern] of LEAK_PATTERNS) {
    const match = pattern.exec(text);
    // An answer may quote what the caller sent; only what the caller did not send is a leak.
    if (match && !sent().includes(match[0]))
      found.push({
        kind: 'leak',
        detail: `${name}: …${text.slice(Math.max(0, match.index - 60), match.index + 80)}…`,
        match: match[0],
      });
  }
  return found;
}

/** Sends a plan and reads its answer. Subscriptions are read for `subscriptionMs`, then aborted. */
export async function send(baseUrl: string, plan: Plan, subscriptionMs = 400): Promise<Answer> {
  const { url, init } = requestOf(baseUrl, plan);
  // The fuzzed API runs in this process, so a long synchronous stretch here (building the catalogue,
  // judging a huge answer) also holds back the server's keep-alive timers. Writing straight after it
  // reuses a pooled connection whose server side closes a moment later, unread, and the kernel
  // answers with a reset. A turn through the timers first lets both sides' expired keep-alive timers
  // run, as they would have in two processes. (Seed 651066621, requests 1806 and 1807, found it.)
  await sleep(1);
  const started = performance.now();
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)),
    REQUEST_TIMEOUT_MS,
  );
  const problems: Answer['problems'] = [];
  const sent = () =>
    `${safeDecode(url)}\n${typeof init.body === 'string' ? init.body : ''}\n${JSON.stringify(plan.calls.map((call) => call.input)) ?? ''}`;
  let status: number | null = null;
  let text = '';
  try {
    const response = await fetch(url, { ...init, signal: controller.signal });
    status = response.status;
    if (plan.mode === 'subscription' && response.headers.get('content-type')?.includes('text/event-stream')) {
      // Read what arrives until the abort: the connected event, an error event, maybe a job event.
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      // The stream stays open: read for a moment after the headers, then hang up as a browser tab would.
      const window = setTimeout(() => controller.abort(new Error('subscription window over')), subscriptionMs);
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          text += decoder.decode(value, { stream: true });
          if (text.includes('serialized-error') && /\n\n/.test(text.slice(text.indexOf('serialized-error')))) break;
        }
      } catch {
        // aborted: what was read is the answer
      } finally {
        clearTimeout(window);
      }
      controller.abort();
      const ms = performance.now() - started;
      problems.push(...leaksIn(text, sent));
      return {
        status,
        ms,
        excerpt: text.slice(0, 4096),
        failure: null,
        outcomes: [readEvents(plan, text, problems)],
        problems,
      };
    }
    text = await response.text();
  } catch (error) {
    const ms = performance.now() - started;
    const reason = (controller.signal.reason as Error | undefined)?.message ?? (error as Error).message;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const headBytes =
      Buffer.byteLength(url) +
      Object.entries(init.headers).reduce((sum, [name, value]) => sum + name.length + Buffer.byteLength(value) + 4, 0);
    if (headBytes > NODE_MAX_HEADER_BYTES && ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'].includes(cause?.code ?? '')) {
      return {
        status,
        ms,
        excerpt: '',
        failure: null,
        headRefused: true,
        outcomes: plan.calls.map(() => ({ status: null, code: null, message: null, ranProcedure: false })),
        problems,
      };
    }
    return {
      status,
      ms,
      excerpt: text.slice(0, 4096),
      failure: `${reason}${cause ? ` (${cause.code ?? cause.message})` : ''}`,
      outcomes: plan.calls.map(() => ({ status: null, code: null, message: null, ranProcedure: false })),
      problems,
    };
  } finally {
    clearTimeout(timer);
  }
  const ms = performance.now() - started;
  problems.push(...leaksIn(text, sent));
  let json: unknown;
  let parsed = false;
  try {
    json = JSON.parse(text);
    parsed = true;
  } catch {
    // handled below
  }
  let outcomes: CallOutcome[];
  if (!parsed) {
    // Node's own HTTP parser answers oversized headers (431) with an empty body before any route runs.
    const nodeItself = (status === 431 || status === 414 || status === 400) && text === '';
    if (!nodeItself)
      problems.push({
        kind: 'shape',
        detail: `HTTP ${status} with a body that is not JSON: ${JSON.stringify(text.slice(0, 200))}`,
      });
    outcomes = plan.calls.map(() => ({ status, code: null, message: null, ranProcedure: false }));
  } else {
    outcomes = readItems(plan, status!, json, problems);
  }
  return { status, ms, excerpt: text.slice(0, 4096), bytes: text.length, failure: null, outcomes, problems };
}
