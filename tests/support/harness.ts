// Shared by the integration suites: the stack scripts/test.mjs started, reached the way users
// reach it (typed client over HTTP, curl-style fetch, the temporal CLI), plus direct reads of
// Postgres and Temporal for the assertions.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { createDb } from '@jobdeck/db';
import { jobdeckDataConverter } from '@jobdeck/workflows/codec';
import { createJobdeckClient, type JobdeckClient } from '@jobdeck/api/client';
import { loopbackReceiver, type ReceivedWebhook } from './loopback-receiver';
import { jsonOrNull } from './json';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the integration suites through \`npm test\``);
  return value;
}

export const env = {
  apiUrl: required('JOBDECK_TEST_API_URL'),
  databaseUrl: required('DATABASE_URL'),
  temporalAddress: required('TEMPORAL_ADDRESS'),
  temporalCli: process.env.TEMPORAL_CLI ?? 'temporal',
  adminEmail: 'admin@localhost',
  adminPassword: required('JOBDECK_ADMIN_PASSWORD'),
  webhookSecret: required('JOBDECK_WEBHOOK_SECRET'),
  storageDir: required('JOBDECK_STORAGE_DIR'),
  encryptionKeys: required('JOBDECK_ENCRYPTION_KEYS'),
};

export const db = createDb(env.databaseUrl, { maxConnections: 3 });

let temporalClient: Client | undefined;
export async function temporal(): Promise<Client> {
  // With the stack's payload codec, as every Jobdeck client: results and failures read back decrypted.
  temporalClient ??= new Client({
    connection: await Connection.connect({ address: env.temporalAddress }),
    dataConverter: jobdeckDataConverter(env.encryptionKeys),
  });
  return temporalClient;
}

export async function login(email = env.adminEmail, password = env.adminPassword): Promise<string> {
  const anonymous = createJobdeckClient({ url: env.apiUrl });
  const { token } = await anonymous.auth.login.mutate({ email, password });
  return token;
}

/** A typed client as a service would hold it, with a fresh token of the given role. */
export async function clientAs(
  role: 'viewer' | 'operator' | 'admin',
): Promise<{ client: JobdeckClient; token: string }> {
  const admin = createJobdeckClient({ url: env.apiUrl, token: await login() });
  if (role === 'admin') {
    const token = await login();
    return { client: createJobdeckClient({ url: env.apiUrl, token }), token };
  }
  const { token } = await admin.tokens.create.mutate({ name: `test ${role} ${Date.now()}`, role });
  return { client: createJobdeckClient({ url: env.apiUrl, token }), token };
}

/** Calls a procedure the way curl does: plain HTTP and JSON, no tRPC client. */
export async function http(
  procedure: string,
  options: { token?: string; input?: unknown; method?: 'GET' | 'POST'; rawBody?: string } = {},
) {
  const method = options.method ?? (options.input === undefined && options.rawBody === undefined ? 'GET' : 'POST');
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let url = `${env.apiUrl}/trpc/${procedure}`;
  let body: string | undefined;
  if (method === 'GET' && options.input !== undefined)
    url += `?input=${encodeURIComponent(JSON.stringify(options.input))}`;
  else if (method === 'POST') body = options.rawBody ?? JSON.stringify(options.input ?? null);
  const response = await fetch(url, { method, headers, body });
  const text = await response.text();
  return { status: response.status, json: jsonOrNull(text), text };
}

/** Polls until check returns a value other than undefined/false, or fails with the last value seen. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`,
      );
    await sleep(intervalMs);
  }
}

export async function waitForState(client: JobdeckClient, id: string, states: string[], timeoutMs = 60_000) {
  return eventually(
    `${id} to be ${states.join('/')}`,
    async () => {
      const job = await client.jobs.get.query({ id });
      return states.includes(job.state) ? job : undefined;
    },
    timeoutMs,
  );
}

/** Flags that make the temporal CLI show payloads decrypted, through the API's codec endpoint (docs/SECURITY.md). */
export function codecFlags(token: string): string[] {
  return ['--codec-endpoint', `${env.apiUrl}/codec`, '--codec-auth', `Bearer ${token}`];
}

export async function temporalCli(args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(env.temporalCli, [...args, '--address', env.temporalAddress]);
  return stdout;
}

export type ReceivedRequest = ReceivedWebhook;

/** A webhook target on 127.0.0.1 whose nth answer is scripted. */
export async function webhookReceiver(answer: (attempt: number, request: ReceivedRequest) => number) {
  return loopbackReceiver('127.0.0.1', (attempt, request) => ({ status: answer(attempt, request) }));
}

/** Another worker process, e.g. on a private queue, to kill or restart at will. */
export function spawnWorker(
  queues: string,
  extraEnv: Record<string, string> = {},
): ChildProcess & { output: string[] } {
  // The real process, not the tsx wrapper, so that a SIGKILL kills the worker itself.
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/worker/src/main.ts'], {
    env: { ...process.env, JOBDECK_QUEUES: queues, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as ChildProcess & { output: string[] };
  child.output = [];
  child.stdout!.on('data', (chunk) => child.output.push(String(chunk)));
  child.stderr!.on('data', (chunk) => child.output.push(String(chunk)));
  return child;
}

/** Resolves once the worker polls every queue it was given (Temporal lists it as a poller). */
export async function waitForPoller(queue: string, worker: ChildProcess & { output: string[] }) {
  await eventually(
    `a worker polling ${queue}`,
    async () => {
      if (worker.exitCode !== null) throw new Error(`worker exited: ${worker.output.join('')}`);
      return worker.output.join('').includes('worker polling');
    },
    90_000,
  );
}

/**
 * Runs the built-in reconciler now (its Schedule runs it every minute) until the job's record says
 * `state`: what the API and tests read once no workflow could record the end itself.
 */
export async function reconciled(id: string, state: string, timeoutMs = 60_000) {
  const schedule = (await temporal()).schedule.getHandle('sched-maintenance-reconcile');
  let triggeredAt = 0;
  return eventually(
    `the record of ${id} reconciled to ${state}`,
    async () => {
      const record = await db.job.findUnique({ where: { id } });
      if (record?.state === state) return record;
      if (Date.now() - triggeredAt > 5_000) {
        triggeredAt = Date.now();
        await schedule.trigger();
      }
      return undefined;
    },
    timeoutMs,
    500,
  );
}
