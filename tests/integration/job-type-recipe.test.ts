// The README's "Adding a job type" says a new job type is one folder and one registration line. This
// follows that section as written (its code blocks, byte for byte) in a copy of packages/workflows,
// then starts a worker and an API on the copy, against the test stack's Temporal and Postgres, and
// enqueues the new type the way a service would: over HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports';
import { clientAs, env, eventually, http, temporal } from '../support/harness';

const repoRoot = join(import.meta.dirname, '../..');

interface Step {
  /** The file the step names, relative to the repository. */
  file: string;
  code: string;
}

/** The section's numbered steps that carry a code block: the file each names, and its code. */
function recipeSteps(readme: string): Step[] {
  const section = readme.slice(readme.indexOf('## Adding a job type'));
  const text = section.slice(0, section.indexOf('\n## ', 1));
  const steps: Step[] = [];
  let folder = '';
  for (const match of text.matchAll(/^\d\. [^`]*`([^`]+)`[\s\S]*?\n( *)```ts\n([\s\S]*?)\n\2```/gm)) {
    const [, named = '', indent = '', body = ''] = match;
    // Step 1 names the folder's first file; the others name a file "beside it", or the registry.
    const file = named.includes('/') ? named : join(folder, named);
    if (!folder) folder = dirname(file);
    const code = body
      .split('\n')
      .map((line) => line.slice(indent.length))
      .join('\n');
    steps.push({ file, code: `${code}\n` });
  }
  return steps;
}

/**
 * The worker's and the API's sources with a copy of packages/workflows, inside the repository so that
 * every other package resolves from its node_modules; `@jobdeck/workflows` resolves to the copy.
 */
function copyOfTheApps(root: string): void {
  const skip = new Set(['node_modules', '.turbo', '.generated', 'test', 'Dockerfile']);
  for (const folder of ['packages/workflows', 'apps/worker', 'apps/api'])
    cpSync(join(repoRoot, folder), join(root, folder), {
      recursive: true,
      filter: (source) => !skip.has(basename(source)),
    });
  cpSync(join(repoRoot, 'tsconfig.base.json'), join(root, 'tsconfig.base.json'));
  mkdirSync(join(root, 'node_modules', '@jobdeck'), { recursive: true });
  symlinkSync('../../packages/workflows', join(root, 'node_modules', '@jobdeck', 'workflows'));
}

function run(name: string, entry: string, extraEnv: Record<string, string>): ChildProcess & { output: string[] } {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: repoRoot,
    env: { ...process.env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as ChildProcess & { output: string[] };
  child.output = [];
  child.stdout!.on('data', (chunk) => child.output.push(String(chunk)));
  child.stderr!.on('data', (chunk) => child.output.push(String(chunk)));
  child.on('exit', (code) => child.output.push(`(${name} exited with ${code})`));
  return child;
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

let root = '';
let steps: Step[] = [];
let worker: (ChildProcess & { output: string[] }) | undefined;
let api: (ChildProcess & { output: string[] }) | undefined;
let apiUrl = '';
let token = '';
let typecheck: { status: number | null; output: string };

/** Plain HTTP against the copy's API, as the harness's `http` does against the stack's. */
async function call(procedure: string, input?: unknown) {
  const method = input === undefined ? 'GET' : 'POST';
  const response = await fetch(`${apiUrl}/trpc/${procedure}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: method === 'POST' ? JSON.stringify(input) : undefined,
  });
  return { status: response.status, json: (await response.json()) as any };
}

beforeAll(async () => {
  steps = recipeSteps(await readFile(join(repoRoot, 'README.md'), 'utf8'));
  mkdirSync(join(repoRoot, '.data'), { recursive: true });
  root = mkdtempSync(join(repoRoot, '.data', 'job-type-recipe-'));
  copyOfTheApps(root);
  // The recipe: the folder's files are written, the registry gets its line.
  for (const step of steps) {
    const path = join(root, step.file);
    mkdirSync(dirname(path), { recursive: true });
    if (step.file.endsWith('registry.ts')) appendFileSync(path, step.code);
    else writeFileSync(path, step.code);
  }

  // The worker bundles its workflows itself (not the stack's prebuilt bundle, which lacks the new type),
  // and polls what the catalogue names, no JOBDECK_QUEUES.
  worker = run('worker', join(root, 'apps/worker/src/main.ts'), { JOBDECK_WORKFLOW_BUNDLE: '', JOBDECK_QUEUES: '' });
  const apiPort = await freePort();
  api = run('api', join(root, 'apps/api/src/main.ts'), { API_PORT: String(apiPort) });
  apiUrl = `http://127.0.0.1:${apiPort}`;
  // The recipe type-checks as written (tsx, which runs it, only strips types), while the worker bundles.
  typecheck = await new Promise((resolve) => {
    const tsc = spawn(join(repoRoot, 'node_modules/.bin/tsc'), ['--noEmit', '-p', join(root, 'packages/workflows')], {
      cwd: root,
    });
    const output: string[] = [];
    tsc.stdout.on('data', (chunk) => output.push(String(chunk)));
    tsc.on('exit', (status) => resolve({ status, output: output.join('') }));
  });
  await eventually(
    'the worker on the copy to poll',
    async () => {
      if (worker!.exitCode !== null) throw new Error(worker!.output.join(''));
      return worker!.output.join('').includes('worker polling');
    },
    120_000,
  );
  await eventually(
    'the API on the copy',
    async () => {
      if (api!.exitCode !== null) throw new Error(api!.output.join(''));
      return (await fetch(`${apiUrl}/healthz`).catch(() => null))?.ok;
    },
    90_000,
  );
  const login = await fetch(`${apiUrl}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: env.adminEmail, password: env.adminPassword }),
  });
  token = ((await login.json()) as any).result.data.token;
}, 240_000);

afterAll(async () => {
  await Promise.all([stop(api), stop(worker)]);
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('the README recipe for a job type', () => {
  it('is one folder and one registration line, and type-checks as written', () => {
    expect(steps.map((step) => step.file)).toEqual([
      'packages/workflows/src/jobs/invoice-send/index.ts',
      'packages/workflows/src/jobs/invoice-send/activities.ts',
      'packages/workflows/src/jobs/invoice-send/workflow.ts',
      'packages/workflows/src/registry.ts',
    ]);
    expect(steps.at(-1)!.code.trim().split('\n')).toHaveLength(1);
    expect(typecheck.output).toBe('');
    expect(typecheck.status).toBe(0);
  });

  it('makes a worker with no JOBDECK_QUEUES poll its queue, with the concurrency its definition asks', () => {
    expect(worker!.output.join('')).toMatch(/worker polling .*\binvoices \(5\)/);
  });

  it('is in the catalogue, and the API runs it to completion on the worker', async () => {
    const types = await call('jobs.types');
    expect(types.json.result.data.map((type: { type: string }) => type.type)).toContain('invoice.send');
    // The stack's own API, built without the folder, knows no such type.
    const { token: stackToken } = await clientAs('operator');
    const elsewhere = await http('jobs.enqueue', {
      token: stackToken,
      input: { type: 'invoice.send', input: { invoiceId: 'inv_1', to: 'a@example.com' } },
    });
    expect(elsewhere.status).toBe(400);

    const invoiceId = `inv_${process.pid}`;
    const enqueued = await call('jobs.enqueue', {
      type: 'invoice.send',
      input: { invoiceId, to: 'billing@example.com' },
    });
    expect(enqueued.status).toBe(200);
    const { id } = enqueued.json.result.data;
    expect(id).toMatch(/^invoice\.send-/);
    const job = await eventually(
      `${id} to complete`,
      async () => {
        const { json } = await call(`jobs.get?input=${encodeURIComponent(JSON.stringify({ id }))}`);
        const data = json.result?.data;
        if (data && ['failed', 'cancelled', 'terminated', 'timed_out'].includes(data.state))
          throw new Error(`${id} ended ${data.state}: ${JSON.stringify(data.error ?? data)}`);
        return data?.state === 'completed' ? data : undefined;
      },
      60_000,
    );
    expect(job).toMatchObject({ type: 'invoice.send', queue: 'invoices' });
    const description = await (await temporal()).workflow.getHandle(id).describe();
    expect(description).toMatchObject({ type: 'invoiceSend', taskQueue: 'invoices' });
    expect(await (await temporal()).workflow.getHandle(id).result()).toMatchObject({ to: 'billing@example.com' });
    expect(readFileSync(join(env.storageDir, 'outbox', `${invoiceId}.txt`), 'utf8')).toContain(invoiceId);
  });

  it('answers invalid input with 400, naming the field, and starts nothing', async () => {
    const bad = await call('jobs.enqueue', { type: 'invoice.send', input: { invoiceId: 'INV 1', to: 'nobody' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json.error)).toMatch(/invoiceId is like inv_123/);
    expect(Object.keys(bad.json.error.data.fieldErrors)).toEqual(['input']);
    const typo = await call('jobs.enqueue', {
      type: 'invoice.send',
      input: { invoiceId: 'inv_2', to: 'a@example.com', amount: 1 },
    });
    expect(typo.status).toBe(400);
  });
});
