// `npm test`: installs what is missing, type-checks every workspace, starts a private stack
// (ephemeral Temporal dev server, own database, own Redis prefix, worker, API, dashboard) and runs
// every suite against it. Ends with one line totalling all suites.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bootstrap } from './lib/bootstrap.mjs';
import { isAlive, log, repoRoot } from './lib/util.mjs';

const SUITES = ['unit', 'db', 'integration', 'hostile', 'drills', 'e2e'];
if (process.argv.includes('--help')) {
  console.log(`npm test [-- suite…]   installs what is missing, type-checks, starts a private stack and runs the suites
                       (${SUITES.join(', ')}; all of them when none is named), then totals them.

JOBDECK_TEST_NAME=<text>   only the tests whose names contain it (vitest -t)
JOBDECK_FUZZ_SEED=<n>, JOBDECK_FUZZ_ONLY=<i,j>, JOBDECK_FUZZ_REQUESTS=<n>   replay or size the fuzzer (tests/hostile/fuzz.test.ts)`);
  process.exit(0);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const started = Date.now();
const { temporalCli, chromiumPath } = bootstrap({ chromium: true });
const { startPrivateStack } = await import('./lib/stack.mjs');

// One folder per run, so that two runs on one machine never delete each other's files; folders of
// runs whose process is gone are removed.
const testRoot = join(repoRoot, '.data', 'test');
mkdirSync(testRoot, { recursive: true });
for (const entry of readdirSync(testRoot)) {
  const pid = Number(entry.replace('run-', ''));
  if (entry.startsWith('run-') && !isAlive(pid)) rmSync(join(testRoot, entry), { recursive: true, force: true });
}
const runDir = join(testRoot, `run-${process.pid}`);
const logDir = join(runDir, 'logs');
mkdirSync(logDir, { recursive: true });
const only = process.argv.slice(2); // e.g. `npm test -- unit integration`
const projects = SUITES.filter((name) => !only.length || only.includes(name));

const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
let exitCode = 0;

function typecheck() {
  log('type-checking every workspace');
  const result = spawnSync(
    join(repoRoot, 'node_modules', '.bin', 'turbo'),
    ['run', 'typecheck', '--output-logs=errors-only', '--log-prefix=task'],
    {
      cwd: repoRoot,
      stdio: 'inherit',
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', TURBO_NO_UPDATE_NOTIFIER: '1', DO_NOT_TRACK: '1' },
    },
  );
  // The suites and the benchmark's TypeScript belong to no workspace: checked on their own.
  const tests = spawnSync(join(repoRoot, 'node_modules', '.bin', 'tsc'), ['-p', 'tests/tsconfig.json'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  // No runtime import cycle, no Node built-in in workflow code (.dependency-cruiser.cjs); lint
  // (eslint.config.js: warnings are reported, errors fail) and format (.prettierrc.json).
  const checks = ['check:imports', 'lint', 'format:check'].map((script) => {
    log(`npm run ${script}`);
    return spawnSync(npm, ['run', '--silent', script], { cwd: repoRoot, stdio: 'inherit' }).status;
  });
  if (result.status !== 0 || tests.status !== 0 || checks.some((status) => status !== 0)) {
    failures.push('typecheck');
    exitCode = 1;
  }
}

// Asynchronous on purpose: the stack's processes log through this process's event loop.
async function runVitest(project, env) {
  const report = join(runDir, `${project}.json`);
  log(`running the ${project} suite`);
  // JOBDECK_TEST_NAME narrows a run to the tests whose names match (vitest's -t), while working on one.
  const filter = process.env.JOBDECK_TEST_NAME ? ['-t', process.env.JOBDECK_TEST_NAME] : [];
  const child = spawn(
    join(repoRoot, 'node_modules', '.bin', 'vitest'),
    ['run', '--project', project, ...filter, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
    {
      cwd: repoRoot,
      stdio: 'inherit',
      env: { ...process.env, ...env },
    },
  );
  const vitestExit = await new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  if (!existsSync(report)) {
    failures.push(`${project}: vitest wrote no report`);
    totals.failed += 1;
    exitCode = 1;
    return;
  }
  const result = JSON.parse(readFileSync(report, 'utf8'));
  totals.passed += result.numPassedTests;
  totals.failed += result.numFailedTests;
  totals.skipped += result.numPendingTests + result.numTodoTests;
  // A file that fails to load counts no test but must still fail the run.
  const brokenFiles = result.testResults.filter(
    (file) => file.status === 'failed' && file.assertionResults.length === 0,
  );
  totals.failed += brokenFiles.length;
  if (!result.success || result.numFailedTests || brokenFiles.length) {
    failures.push(project);
    exitCode = 1;
  } else if (vitestExit !== 0) {
    // A worker that died (out of memory, an unhandled error) loses its file's tests from the report: the exit code still says so.
    failures.push(`${project}: vitest exited with ${vitestExit}`);
    totals.failed += 1;
    exitCode = 1;
  }
}

const cleanup = [];
async function teardown() {
  for (const step of cleanup.reverse()) await step().catch((error) => console.error(`cleanup: ${error.message}`));
}
process.on('SIGINT', () => void teardown().then(() => process.exit(130)));

try {
  if (!only.length) typecheck();
  if (projects.includes('unit')) await runVitest('unit', {});
  if (projects.includes('db')) await runVitest('db', {});

  let stack = null;
  if (projects.some((name) => ['integration', 'hostile', 'e2e'].includes(name))) {
    stack = await startPrivateStack({
      name: 'test',
      runDir,
      logDir,
      temporalCli,
      // The hostile suite also attacks the dashboard's dev server.
      web: projects.includes('e2e') || projects.includes('hostile'),
      env: { JOBDECK_LOGIN_FREE_ATTEMPTS: '1000', CHROMIUM_PATH: chromiumPath ?? '' },
      cleanup,
    });
    const { env, apps } = stack;
    const testEnv = {
      ...env,
      JOBDECK_TEST_API_URL: apps.apiUrl,
      JOBDECK_TEST_WEB_URL: apps.webUrl ?? '',
      JOBDECK_TEST_LOG_DIR: logDir,
    };
    if (projects.includes('integration')) await runVitest('integration', testEnv);
    if (projects.includes('hostile')) await runVitest('hostile', testEnv);
  }
  // Each drill starts (and breaks) its own PostgreSQL, Redis, Temporal, worker and API: only the CLI and folders come from here.
  if (projects.includes('drills'))
    await runVitest('drills', { TEMPORAL_CLI: temporalCli, JOBDECK_DRILL_DIR: runDir, JOBDECK_TEST_LOG_DIR: logDir });
  if (projects.includes('e2e')) {
    const { apps } = stack;
    await runVitest('e2e', {
      ...stack.env,
      JOBDECK_TEST_API_URL: apps.apiUrl,
      JOBDECK_TEST_WEB_URL: apps.webUrl ?? '',
      JOBDECK_TEST_LOG_DIR: logDir,
    });
  }
} catch (error) {
  console.error(`\njobdeck test: ${error.stack ?? error.message}`);
  failures.push(`setup: ${error.message}`);
  totals.failed += 1;
  exitCode = 1;
} finally {
  await teardown();
}

if (failures.length) console.log(`\nfailed: ${failures.join(', ')} (process logs in ${logDir})`);
console.log(`\ntook ${Math.round((Date.now() - started) / 1000)} s`);
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(exitCode);
