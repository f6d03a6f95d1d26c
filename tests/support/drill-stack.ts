// A private Jobdeck for one fault drill: its own PostgreSQL (initdb in a temporary folder), its own
// redis-server, its own Temporal dev server (a SQLite file, so a restart keeps every workflow), and
// worker and API processes spawned as scripts/lib/stack.mjs spawns them. Every piece can be stopped
// and started again; nothing here touches the shared PostgreSQL on 5432 or Redis on 6379.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultQueues, SEARCH_ATTRIBUTES } from '@jobdeck/workflows';
import { applyMigrations, ensureDatabase } from '../../packages/db/src/migrate';
import { freePort, freeTemporalPort } from './ports';

export const repoRoot = new URL('../../', import.meta.url).pathname;
const PG_BIN = '/usr/lib/postgresql/15/bin';
const runDir = process.env.JOBDECK_DRILL_DIR ?? join(repoRoot, '.data', 'test', `drills-${process.pid}`);
const temporalCli = process.env.TEMPORAL_CLI ?? join(repoRoot, '.tools', 'venv', 'bin', 'temporal');

export interface Proc {
  name: string;
  child: ChildProcess;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const everyChild = new Set<ChildProcess>();
// A test worker that dies must not leave servers behind.
process.once('exit', () => {
  for (const child of everyChild) child.kill('SIGKILL');
});

export async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  intervalMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (
      await Promise.resolve()
        .then(check)
        .catch(() => false)
    )
      return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

function run(
  name: string,
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; log: WriteStream; asPostgres?: boolean },
): Proc {
  const ids = options.asPostgres && process.getuid?.() === 0 ? postgresIds() : {};
  const child = spawn(command, args, {
    cwd: repoRoot,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...ids,
  });
  everyChild.add(child);
  const output: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.on('data', (chunk: Buffer) => {
      output.push(String(chunk));
      options.log.write(chunk);
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      everyChild.delete(child);
      options.log.write(`--- ${name} exited (${code ?? signal})\n`);
      resolve({ code, signal });
    }),
  );
  return { name, child, output, exited };
}

function postgresIds(): { uid: number; gid: number } {
  const uid = Number(spawnSync('id', ['-u', 'postgres']).stdout.toString().trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres']).stdout.toString().trim());
  return { uid, gid };
}

/** Signals a process and waits for it to end (SIGKILL after graceMs). */
export async function stop(
  proc: Proc | null | undefined,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 10_000,
): Promise<void> {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill(signal);
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  await proc.exited;
  clearTimeout(timer);
}

/** The worker's own bundling, done once per run and shared by every drill's workers. */
function workflowBundle(): string {
  const file = join(runDir, 'drill-workflow-bundle.js');
  if (existsSync(file)) return file;
  mkdirSync(runDir, { recursive: true });
  const script =
    "const { buildWorkflowBundle } = await import('./scripts/lib/stack.mjs'); await buildWorkflowBundle(process.env.OUT);";
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: repoRoot,
    env: { ...process.env, OUT: file },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`building the workflow bundle failed: ${result.stderr}`);
  return file;
}

export interface DrillStackOptions {
  /** Names the log folder. */
  name: string;
  /** Concurrency per queue for the worker (JOBDECK_QUEUES), over what the job types ask for. */
  queues?: Record<string, number>;
}

export type DrillStack = Awaited<ReturnType<typeof startDrillStack>>;

export async function startDrillStack({ name, queues = {} }: DrillStackOptions) {
  const dir = mkdtempSync(join(tmpdir(), `jobdeck-drill-${name}-`));
  const logDir = join(process.env.JOBDECK_TEST_LOG_DIR ?? join(runDir, 'logs'), `drill-${name}`);
  mkdirSync(logDir, { recursive: true });
  const logs = new Map<string, WriteStream>();
  const log = (file: string) =>
    logs.get(file) ?? logs.set(file, createWriteStream(join(logDir, `${file}.log`), { flags: 'a' })).get(file)!;
  const procs: Proc[] = [];
  const track = (proc: Proc) => (procs.push(proc), proc);

  // PostgreSQL: its own cluster, trust auth, owned by the postgres user when we are root.
  const pgPort = await freePort();
  const pgData = join(dir, 'pg');
  mkdirSync(pgData);
  if (process.getuid?.() === 0) {
    const { uid, gid } = postgresIds();
    chownSync(dir, uid, gid);
    chownSync(pgData, uid, gid);
  }
  const init = spawnSync(
    join(PG_BIN, 'initdb'),
    ['-D', pgData, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'],
    {
      encoding: 'utf8',
      ...(process.getuid?.() === 0 ? postgresIds() : {}),
    },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const databaseUrl = `postgresql://postgres@127.0.0.1:${pgPort}/jobdeck`;
  let postgres: Proc | null = null;
  const pg = {
    port: pgPort,
    url: databaseUrl,
    async start() {
      const args = [
        '-D',
        pgData,
        '-p',
        String(pgPort),
        '-k',
        dir,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'fsync=off',
        '-c',
        'max_connections=300',
      ];
      postgres = track(run('postgres', join(PG_BIN, 'postgres'), args, { log: log('postgres'), asPostgres: true }));
      await until(
        'PostgreSQL',
        () => spawnSync(join(PG_BIN, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(pgPort)]).status === 0,
        30_000,
      );
    },
    /** SIGINT is PostgreSQL's fast shutdown: clients are disconnected at once. */
    stop: () => stop(postgres, 'SIGINT'),
  };

  const redisPort = await freePort();
  let redisProc: Proc | null = null;
  const redis = {
    url: `redis://127.0.0.1:${redisPort}`,
    async start() {
      redisProc = track(
        run(
          'redis',
          'redis-server',
          ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
          { log: log('redis') },
        ),
      );
      await until('redis-server', () => redisProc!.output.join('').includes('Ready to accept connections'), 10_000);
    },
    stop: () => stop(redisProc, 'SIGTERM'),
  };

  const temporalPort: number = await freeTemporalPort();
  const temporalDb = join(dir, 'temporal.db');
  let temporalProc: Proc | null = null;
  const temporal = {
    address: `127.0.0.1:${temporalPort}`,
    /** The test stack's own start-up (scripts/lib/temporal.mjs), on the same port and SQLite file every time. */
    async start() {
      const { startTemporalDevServer } = await import(pathToFileURL(join(repoRoot, 'scripts/lib/temporal.mjs')).href);
      const child: ChildProcess = await startTemporalDevServer({
        cli: temporalCli,
        port: temporalPort,
        dbFile: temporalDb,
        headless: true,
        searchAttributes: SEARCH_ATTRIBUTES,
        stdio: 'pipe',
      });
      everyChild.add(child);
      const output: string[] = [];
      for (const stream of [child.stdout!, child.stderr!])
        stream.on('data', (chunk: Buffer) => (output.push(String(chunk)), log('temporal').write(chunk)));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on('exit', (code, signal) => (everyChild.delete(child), resolve({ code, signal }))),
      );
      temporalProc = track({ name: 'temporal', child, output, exited });
    },
    stop: () => stop(temporalProc, 'SIGTERM'),
  };

  /** Everything, in any state: SIGKILL (nothing here keeps data worth a clean stop). */
  async function teardown() {
    await Promise.all(procs.map((proc) => stop(proc, 'SIGKILL', 2_000)));
    for (const stream of logs.values()) stream.end();
    rmSync(dir, { recursive: true, force: true });
  }
  let bundle: string;
  try {
    bundle = workflowBundle();
    await Promise.all([pg.start(), redis.start(), temporal.start()]);
    await ensureDatabase(databaseUrl);
    await applyMigrations(databaseUrl);
  } catch (error) {
    // A half-started stack leaves nothing behind: the caller never gets it to tear down.
    await teardown();
    throw error;
  }

  const adminPassword = `drill-${name}-${process.pid}-password`;
  const storageDir = join(dir, 'storage');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    JOBDECK_REDIS_PREFIX: `jobdeck-drill-${name}:`,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_CLI: temporalCli,
    TEMPORAL_UI_URL: 'http://127.0.0.1:8233',
    JOBDECK_ADMIN_PASSWORD: adminPassword,
    JOBDECK_LOGIN_FREE_ATTEMPTS: '1000',
    JOBDECK_WEBHOOK_SECRET: `drill-webhook-secret`,
    JOBDECK_WEBHOOK_SECRETS: `partner=drill-partner-webhook-secret`,
    JOBDECK_OUTBOUND_ALLOW: '127.0.0.1',
    JOBDECK_ENCRYPTION_KEYS: `drill${process.pid}:${randomBytes(32).toString('base64')}`,
    JOBDECK_STORAGE_DIR: storageDir,
    JOBDECK_WORKFLOW_BUNDLE: bundle,
    JOBDECK_SHUTDOWN_GRACE_MS: '5000',
    // Every queue of the catalogue, at its job types' concurrency unless the drill says otherwise.
    JOBDECK_QUEUES: defaultQueues()
      .map((queue) => (queues[queue] ? `${queue}:${queues[queue]}` : queue))
      .join(','),
  };

  let workerCount = 0;
  let apiCount = 0;
  /** `node --import tsx`, not the tsx wrapper, so that a signal reaches the worker itself. */
  async function startWorker(extraEnv: NodeJS.ProcessEnv = {}): Promise<Proc> {
    const label = `worker-${++workerCount}`;
    const proc = track(
      run(label, process.execPath, ['--import', 'tsx', 'apps/worker/src/main.ts'], {
        env: { ...env, ...extraEnv },
        log: log(label),
      }),
    );
    await until(
      `${label} polling`,
      () => {
        if (proc.child.exitCode !== null) throw new Error(`${label} exited: ${proc.output.join('')}`);
        return proc.output.join('').includes('worker polling');
      },
      90_000,
    );
    return proc;
  }

  async function startApi(port?: number): Promise<Proc & { url: string; port: number }> {
    const label = `api-${++apiCount}`;
    const apiPort = port ?? (await freePort());
    const proc = track(
      run(label, process.execPath, ['--import', 'tsx', 'apps/api/src/main.ts'], {
        env: { ...env, API_PORT: String(apiPort) },
        log: log(label),
      }),
    );
    const url = `http://127.0.0.1:${apiPort}`;
    await until(
      `${label} answering`,
      async () => {
        if (proc.child.exitCode !== null) throw new Error(`${label} exited: ${proc.output.join('')}`);
        return (await fetch(`${url}/healthz`).catch(() => null)) !== null;
      },
      90_000,
    );
    return Object.assign(proc, { url, port: apiPort });
  }

  return {
    dir,
    logDir,
    env,
    pg,
    redis,
    temporal,
    storageDir,
    adminPassword,
    startWorker,
    startApi,
    teardown,
  };
}
