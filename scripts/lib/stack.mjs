// Starts Jobdeck's processes, for `npm run dev` and for the test suite alike, so that the tests
// exercise the same start-up path a newcomer uses.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { freePort, freeTemporalPort, isAlive, log, portOpen, repoRoot, waitFor } from './util.mjs';
import { runProcess, stopProcess } from './processes.mjs';
import { startTemporalDevServer } from './temporal.mjs';

const bin = (name) => join(repoRoot, 'node_modules', '.bin', name);

// Kept in step with packages/workflows/src/runtime/search-attributes.ts (a unit test checks).
export const SEARCH_ATTRIBUTES = {
  JobType: 'Keyword',
  JobState: 'Keyword',
  JobPriority: 'Int',
  RequestedBy: 'Keyword',
};

/** Loads TypeScript modules of the repo (the migrator, the bundler) into this plain-Node script. */
async function importTs(path) {
  const { tsImport } = await import('tsx/esm/api');
  return tsImport(join(repoRoot, path), import.meta.url);
}

export async function migrate(databaseUrl, { create = true } = {}) {
  const { applyMigrations, ensureDatabase } = await importTs('packages/db/src/migrate.ts');
  if (create) await ensureDatabase(databaseUrl);
  return applyMigrations(databaseUrl);
}

/** The worker's own bundling (loadWorkflowBundle), done once and written out for every worker of a run. */
export async function buildWorkflowBundle(outFile) {
  const { writeFileSync, mkdirSync } = await import('node:fs');
  const { dirname } = await import('node:path');
  const { loadWorkflowBundle } = await importTs('apps/worker/src/workers.ts');
  const { code } = await loadWorkflowBundle(null);
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, code);
  return outFile;
}

/** Our own dev server, or one already listening there (its search attributes are then registered). */
export async function ensureTemporal({ cli, port, uiPort, dbFile, headless, logFile, codecEndpoint }) {
  const address = `127.0.0.1:${port}`;
  if (await portOpen(port)) {
    log(
      `using the Temporal server already on ${address}${codecEndpoint ? `; its Web UI decodes payloads only if it was started with --ui-codec-endpoint ${codecEndpoint}` : ''}`,
    );
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) {
      spawnSync(
        cli,
        [
          'operator',
          'search-attribute',
          'create',
          '--address',
          address,
          '--namespace',
          'default',
          '--name',
          name,
          '--type',
          type,
        ],
        { stdio: 'ignore' },
      );
    }
    return { address, child: null };
  }
  const child = await startTemporalDevServer({
    cli,
    port,
    uiPort,
    dbFile,
    headless,
    codecEndpoint,
    searchAttributes: SEARCH_ATTRIBUTES,
    stdio: 'pipe',
  });
  if (logFile) {
    const { createWriteStream } = await import('node:fs');
    const sink = createWriteStream(logFile, { flags: 'a' });
    child.stdout?.pipe(sink);
    child.stderr?.pipe(sink);
  } else {
    child.stdout?.resume();
    child.stderr?.resume();
  }
  child.name = 'temporal';
  child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { address, child };
}

/**
 * env: what every Jobdeck process gets (DATABASE_URL, REDIS_URL, TEMPORAL_ADDRESS, …).
 * logDir: write each process's output to a file instead of the terminal.
 */
export async function startApps({ env, apiPort, webPort, web = true, logDir = null }) {
  const logFile = (name) => (logDir ? join(logDir, `${name}.log`) : null);
  const children = [];
  // `node --import tsx`, not the tsx wrapper: signals must reach the real process (a SIGKILL test kills it).
  const worker = runProcess('worker', process.execPath, ['--import', 'tsx', 'apps/worker/src/main.ts'], {
    env,
    logFile: logFile('worker'),
  });
  children.push(worker);
  const api = runProcess('api', process.execPath, ['--import', 'tsx', 'apps/api/src/main.ts'], {
    env: { ...env, API_PORT: String(apiPort) },
    logFile: logFile('api'),
  });
  children.push(api);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const stopAll = async () => {
    for (const child of [...children].reverse()) await stopProcess(child, child.name === 'worker' ? 35_000 : 5_000);
  };
  const failed = (child) =>
    child.exitCode !== null &&
    new Error(`${child.name} exited with ${child.exitCode}${logDir ? ` (see ${logFile(child.name)})` : ''}`);
  let webUrl = null;
  try {
    await waitFor(
      'the API',
      async () => {
        const error = failed(api) || failed(worker);
        if (error) {
          error.fatal = true;
          throw error;
        }
        const response = await fetch(`${apiUrl}/healthz`).catch(() => null);
        return response !== null;
      },
      90_000,
    );
    if (web) {
      const webProcess = runProcess('web', bin('vite'), ['--config', 'apps/web/vite.config.ts'], {
        env: { ...env, JOBDECK_API_URL: apiUrl, WEB_PORT: String(webPort) },
        logFile: logFile('web'),
      });
      children.push(webProcess);
      webUrl = `http://127.0.0.1:${webPort}`;
      await waitFor(
        'the dashboard',
        async () => {
          const error = failed(webProcess);
          if (error) {
            error.fatal = true;
            throw error;
          }
          return (await fetch(webUrl).catch(() => null))?.ok ?? false;
        },
        60_000,
      );
    }
  } catch (error) {
    // Whatever did start must not outlive a failed start.
    await stopAll();
    throw error;
  }
  // The dashboard and API stop first, so nobody enqueues into a stopping worker.
  return { apiUrl, webUrl, children, stop: stopAll };
}

/**
 * Databases of earlier runs whose process is gone (killed, out of memory, a crashed test worker that
 * never ran its clean-up): `jobdeck_<name>_<pid>` and anything a suite derived from it.
 */
async function dropStaleDatabases(databaseUrl, name) {
  const { default: pg } = await import('pg');
  const { dropDatabase } = await importTs('packages/db/src/migrate.ts');
  const { withDatabase } = await import('./infra.mjs');
  const client = new pg.Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  try {
    await client.connect();
    const { rows } = await client.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [`jobdeck_${name}_%`]);
    for (const { datname } of rows) {
      const pid = Number(/^jobdeck_[a-z]+_(\d+)/.exec(datname)?.[1]);
      if (pid && pid !== process.pid && !isAlive(pid))
        await dropDatabase(withDatabase(databaseUrl, datname)).catch(() => undefined);
    }
  } catch {
    // best effort: a server we may not list is left alone
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * A throwaway stack for the test suites and the benchmark: its own database (never the one
 * DATABASE_URL names: only its server is used), its own Redis key prefix, an ephemeral Temporal dev
 * server, the worker, the API and optionally the dashboard, all on free ports. Each piece is pushed
 * onto `cleanup` as soon as it exists, so a failure half-way leaves nothing behind.
 */
export async function startPrivateStack({
  name,
  runDir,
  logDir,
  temporalCli,
  web = false,
  env: extraEnv = {},
  cleanup,
}) {
  const { chooseDatabase, chooseRedis, withDatabase } = await import('./infra.mjs');
  const databaseName = `jobdeck_${name}_${process.pid}`;
  const database = await chooseDatabase({ databaseName, dataDir: runDir, logFile: join(logDir, 'postgres.log') });
  if (database.child) cleanup.push(() => stopProcess(database.child, 5_000));
  if (!database.embedded) {
    database.url = withDatabase(database.url, databaseName);
    cleanup.push(async () => {
      const { dropDatabase } = await importTs('packages/db/src/migrate.ts');
      await dropDatabase(database.url);
    });
  }
  if (!database.embedded) await dropStaleDatabases(database.url, name);
  await migrate(database.url, { create: !database.embedded });

  const redis = await chooseRedis({ logFile: join(logDir, 'redis.log') });
  if (redis.child) cleanup.push(() => stopProcess(redis.child, 5_000));
  const redisPrefix = `jobdeck-${name}-${process.pid}:`;
  if (redis.url) {
    cleanup.push(async () => {
      const { Redis } = await import('ioredis');
      const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 1000);
        if (keys.length) await client.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      client.disconnect();
    });
  }

  log('starting an ephemeral Temporal dev server');
  const temporal = await ensureTemporal({
    cli: temporalCli,
    port: await freeTemporalPort(),
    headless: true,
    logFile: join(logDir, 'temporal.log'),
  });
  cleanup.push(() => stopProcess(temporal.child, 5_000));
  const workflowBundle = await buildWorkflowBundle(join(runDir, 'workflow-bundle.js'));

  const adminPassword = `${name}-${process.pid}-password`;
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: redis.url ?? '',
    JOBDECK_REDIS_PREFIX: redisPrefix,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_CLI: temporalCli,
    TEMPORAL_UI_URL: 'http://127.0.0.1:8233',
    JOBDECK_ADMIN_PASSWORD: adminPassword,
    JOBDECK_WEBHOOK_SECRET: `${name}-webhook-secret`,
    // A per-endpoint key, so the hostile suite can check that `secretName: 'partner'` signs with it.
    JOBDECK_WEBHOOK_SECRETS: `partner=${name}-partner-webhook-secret`,
    // Tests send traffic only to loopback: 127.0.0.1 is allowed explicitly, every other loopback
    // address (127.0.0.2, 0.0.0.0, ::ffff:127.0.0.2) stays refused, which the hostile suite checks.
    JOBDECK_OUTBOUND_ALLOW: '127.0.0.1',
    // A fresh payload-codec key per run: nothing in Temporal's history is readable without it.
    JOBDECK_ENCRYPTION_KEYS: `${name}${process.pid}:${randomBytes(32).toString('base64')}`,
    JOBDECK_STORAGE_DIR: join(runDir, 'storage'),
    JOBDECK_WORKFLOW_BUNDLE: workflowBundle,
    JOBDECK_SHUTDOWN_GRACE_MS: '5000',
    ...extraEnv,
  };
  const apps = await startApps({ env, apiPort: await freePort(), webPort: await freePort(), web, logDir });
  cleanup.push(() => apps.stop());
  return { env, apps, database, redis, temporal, adminPassword };
}
