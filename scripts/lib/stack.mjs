// Starts Jobdeck's processes, for `npm run dev` and for the test suite alike, so that the tests
// exercise the same start-up path a newcomer uses.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { log, portOpen, repoRoot, waitFor } from './util.mjs';
import { runProcess, stopProcess } from './processes.mjs';
import { startTemporalDevServer } from './temporal.mjs';

const bin = (name) => join(repoRoot, 'node_modules', '.bin', name);

// Kept in step with packages/workflows/src/runtime/search-attributes.ts (a unit test checks).
export const SEARCH_ATTRIBUTES = { JobType: 'Keyword', JobState: 'Keyword', JobPriority: 'Int', RequestedBy: 'Keyword' };

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

export async function buildWorkflowBundle(outFile) {
  const { writeFileSync, mkdirSync } = await import('node:fs');
  const { dirname } = await import('node:path');
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const { writeWorkflowsEntry } = await importTs('packages/workflows/src/bundle.ts');
  const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error };
  const { code } = await bundleWorkflowCode({ workflowsPath: writeWorkflowsEntry(), logger: quiet });
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, code);
  return outFile;
}

/** Our own dev server, or one already listening there (its search attributes are then registered). */
export async function ensureTemporal({ cli, port, uiPort, dbFile, headless, logFile }) {
  const address = `127.0.0.1:${port}`;
  if (await portOpen(port)) {
    log(`using the Temporal server already on ${address}`);
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) {
      spawnSync(cli, ['operator', 'search-attribute', 'create', '--address', address, '--namespace', 'default', '--name', name, '--type', type], { stdio: 'ignore' });
    }
    return { address, child: null };
  }
  const child = await startTemporalDevServer({ cli, port, uiPort, dbFile, headless, searchAttributes: SEARCH_ATTRIBUTES, stdio: 'pipe' });
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
  const worker = runProcess('worker', process.execPath, ['--import', 'tsx', 'apps/worker/src/main.ts'], { env, logFile: logFile('worker') });
  children.push(worker);
  const api = runProcess('api', process.execPath, ['--import', 'tsx', 'apps/api/src/main.ts'], { env: { ...env, API_PORT: String(apiPort) }, logFile: logFile('api') });
  children.push(api);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const failed = (child) => child.exitCode !== null && new Error(`${child.name} exited with ${child.exitCode}${logDir ? ` (see ${logFile(child.name)})` : ''}`);
  await waitFor('the API', async () => {
    const error = failed(api) || failed(worker);
    if (error) {
      error.fatal = true;
      throw error;
    }
    const response = await fetch(`${apiUrl}/healthz`).catch(() => null);
    return response !== null;
  }, 90_000);
  let webUrl = null;
  if (web) {
    const webProcess = runProcess('web', bin('vite'), ['--config', 'apps/web/vite.config.ts'], {
      env: { ...env, JOBDECK_API_URL: apiUrl, WEB_PORT: String(webPort) },
      logFile: logFile('web'),
    });
    children.push(webProcess);
    webUrl = `http://127.0.0.1:${webPort}`;
    await waitFor('the dashboard', async () => {
      const error = failed(webProcess);
      if (error) {
        error.fatal = true;
        throw error;
      }
      return (await fetch(webUrl).catch(() => null))?.ok ?? false;
    }, 60_000);
  }
  return {
    apiUrl,
    webUrl,
    children,
    async stop() {
      // The dashboard and API first, so nobody enqueues into a stopping worker.
      for (const child of [...children].reverse()) await stopProcess(child, child.name === 'worker' ? 35_000 : 5_000);
    },
  };
}
