// Private instances of Temporal, PostgreSQL (PGlite over the wire protocol) and Redis, for the tests
// that stop one: the shared stack's are never stopped. Each can be stopped and started again on the
// same port, with its data where that matters, as an outage and a recovery look to the API.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { applyMigrations } from '@jobdeck/db/migrate';
import { env } from './harness';
import { freePort } from './ports';

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (
    !(await Promise.resolve()
      .then(check)
      .catch(() => false))
  ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

export interface OwnService {
  url: string;
  start(): Promise<void>;
  /** SIGKILL: an outage, not a shutdown. */
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

function restartable(
  name: string,
  url: string,
  launch: () => ChildProcess,
  ready: () => Promise<boolean> | boolean,
  dir: string | null,
): OwnService {
  let child: ChildProcess | null = null;
  const service: OwnService = {
    url,
    async start() {
      child = launch();
      const current = child;
      await until(
        name,
        () => {
          if (current.exitCode !== null) throw new Error(`${name} exited with ${current.exitCode}`);
          return ready();
        },
        60_000,
      );
    },
    async stop() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
    async dispose() {
      await service.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return service;
}

const SEARCH_ATTRIBUTES = ['JobType=Keyword', 'JobState=Keyword', 'JobPriority=Int', 'RequestedBy=Keyword'];

/** A Temporal dev server keeping its history in a file, so that a restart is a recovery, not a new server. */
export async function ownTemporal(): Promise<OwnService> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'jobdeck-temporal-'));
  const address = `127.0.0.1:${port}`;
  const args = [
    'server',
    'start-dev',
    '--headless',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--metrics-port',
    String(metricsPort),
    '--log-level',
    'error',
    '--db-filename',
    join(dir, 'temporal.db'),
  ];
  for (const attribute of SEARCH_ATTRIBUTES) args.push('--search-attribute', attribute);
  const ready = () =>
    spawnSync(env.temporalCli, ['operator', 'namespace', 'describe', '--namespace', 'default', '--address', address], {
      stdio: 'ignore',
    }).status === 0;
  const service = restartable(
    'own Temporal',
    address,
    () => spawn(env.temporalCli, args, { stdio: 'ignore' }),
    ready,
    dir,
  );
  await service.start();
  return service;
}

/** PGlite served over the Postgres wire protocol, migrated; its data survives a restart. */
export async function ownPostgres(): Promise<OwnService> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'jobdeck-pg-'));
  const server = join(process.cwd(), 'node_modules/@electric-sql/pglite-socket/dist/scripts/server.js');
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const launch = () =>
    spawn(process.execPath, [server, '-d', dir, '-p', String(port), '-m', '20', '-e', 'pg_trgm'], { stdio: 'ignore' });
  const service = restartable('own PGlite', url, launch, () => portOpen(port), dir);
  await service.start();
  await applyMigrations(url);
  return service;
}

/** A redis-server without persistence: what it carries may be lost, as in production. */
export async function ownRedis(): Promise<OwnService> {
  const port = await freePort();
  const launch = () =>
    spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
  const service = restartable('own Redis', `redis://127.0.0.1:${port}`, launch, () => portOpen(port), null);
  await service.start();
  return service;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createServer().listen(port, '127.0.0.1');
    socket.once('listening', () => socket.close(() => resolve(false)));
    socket.once('error', () => resolve(true));
  });
}
