// Picks the database and Redis for a run: what the user configured, else what this machine
// already has, else an embedded one, so that `npm run dev` works on a bare laptop.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort, log, portOpen, repoRoot, waitFor } from './util.mjs';
import { runProcess } from './processes.mjs';

async function canConnect(url) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export function withDatabase(url, name) {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** DATABASE_URL if it answers; a PostgreSQL on 127.0.0.1:5432; or PGlite served over the wire protocol. */
export async function chooseDatabase({ databaseName, dataDir, logFile = null }) {
  if (process.env.DATABASE_URL) {
    if (
      (await canConnect(withDatabase(process.env.DATABASE_URL, 'postgres'))) ||
      (await canConnect(process.env.DATABASE_URL))
    ) {
      return { url: process.env.DATABASE_URL, kind: 'DATABASE_URL', child: null };
    }
    log(`DATABASE_URL does not answer; looking for another PostgreSQL`);
  }
  const users = [...new Set(['postgres', process.env.PGUSER, userInfo().username].filter(Boolean))];
  // JOBDECK_EMBEDDED_DB=1 skips the local server: to try the embedded path on a machine that has one.
  for (const user of process.env.JOBDECK_EMBEDDED_DB === '1' ? [] : users) {
    const server = `postgresql://${encodeURIComponent(user)}@127.0.0.1:5432/postgres`;
    if (await canConnect(server))
      return { url: withDatabase(server, databaseName), kind: 'local PostgreSQL on 127.0.0.1:5432', child: null };
  }
  const port = await freePort();
  const dir = join(dataDir, 'pglite');
  mkdirSync(dir, { recursive: true });
  log(`no PostgreSQL found: starting embedded PGlite in ${dir} on port ${port}`);
  const child = runProcess(
    'postgres',
    process.execPath,
    [
      join(repoRoot, 'node_modules', '@electric-sql', 'pglite-socket', 'dist', 'scripts', 'server.js'),
      '-d',
      dir,
      '-p',
      String(port),
      '-m',
      '20',
      // Search's trigram index (see the migration 20261129060000_search_and_exports).
      '-e',
      'pg_trgm',
    ],
    { logFile },
  );
  await waitFor('embedded PGlite', () => portOpen(port), 30_000);
  // PGlite has a single database, `postgres`.
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    kind: `embedded PGlite (${dir})`,
    child,
    embedded: true,
  };
}

/** REDIS_URL ('' disables Redis); Redis on 127.0.0.1:6379; a private redis-server; or none. */
export async function chooseRedis({ logFile = null } = {}) {
  if (process.env.REDIS_URL !== undefined) {
    return {
      url: process.env.REDIS_URL || null,
      kind: process.env.REDIS_URL ? 'REDIS_URL' : 'disabled (REDIS_URL is empty)',
      child: null,
    };
  }
  if (await portOpen(6379)) return { url: 'redis://127.0.0.1:6379', kind: 'Redis on 127.0.0.1:6379', child: null };
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0) {
    const port = await freePort();
    const child = runProcess(
      'redis',
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { logFile },
    );
    await waitFor('redis-server', () => portOpen(port), 10_000);
    return { url: `redis://127.0.0.1:${port}`, kind: `private redis-server on port ${port}`, child };
  }
  return { url: null, kind: 'none found: live updates fall back to polling', child: null };
}
