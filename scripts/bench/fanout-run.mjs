// The fan-out bench on its own: starts a private stack the way `npm run bench` does (ephemeral
// Temporal dev server, own database and Redis prefix, worker and API on free ports), runs
// runFanoutBench (scripts/bench/fanout.mjs), prints its table and targets, and tears down.
//
//   node scripts/bench/fanout-run.mjs [--jobs 80] [--concurrency 8] [--streams 200] [--no-per-event]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bootstrap } from '../lib/bootstrap.mjs';
import { log as logLine, repoRoot } from '../lib/util.mjs';

const { values: flags } = parseArgs({
  options: {
    jobs: { type: 'string', default: '80' },
    concurrency: { type: 'string', default: '8' },
    streams: { type: 'string', default: '200' },
    'no-per-event': { type: 'boolean', default: false },
  },
});
const config = {
  fanoutJobs: Number(flags.jobs),
  fanoutConcurrency: Number(flags.concurrency),
  fanoutStreams: Number(flags.streams),
  fanoutPerEvent: !flags['no-per-event'],
};

const started = Date.now();
const log = (message) => logLine(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}`);
const { temporalCli } = bootstrap();
const { startPrivateStack } = await import('../lib/stack.mjs');
const { cpuMeter } = await import('../lib/bench-cpu.mjs');
const { runFanoutBench } = await import('./fanout.mjs');
const { latencyTable, targetTable } = await import('./report.mjs');

const resultsDir = join(repoRoot, '.data', 'bench');
const runDir = join(resultsDir, `fanout-${process.pid}`);
const logDir = join(runDir, 'logs');
mkdirSync(logDir, { recursive: true });

const cleanup = [];
async function teardown() {
  for (const step of cleanup.reverse()) await step().catch((error) => console.error(`cleanup: ${error.message}`));
  cleanup.length = 0;
}
process.on('SIGINT', () => void teardown().then(() => process.exit(130)));
// A throw inside a stream's data handler must not leave the stack running.
process.on('uncaughtException', (error) => {
  console.error(`fan-out bench: ${error.stack ?? error.message}`);
  void teardown().then(() => process.exit(1));
});

let exitCode = 0;
try {
  log('starting a private stack: database, Redis prefix, Temporal, worker and API');
  const { apps, redis, env, adminPassword } = await startPrivateStack({
    name: 'bench',
    runDir,
    logDir,
    temporalCli,
    web: false,
    cleanup,
  });
  const login = await fetch(`${apps.apiUrl}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@localhost', password: adminPassword }),
  });
  const { token } = (await login.json()).result.data;
  const api = apps.children.find((child) => child.name === 'api')?.pid;
  const meter = () => cpuMeter({ groups: { api, bench: process.pid } });

  const result = await runFanoutBench({ apiUrl: apps.apiUrl, token, env, meter, log, config });
  console.log('');
  console.log(
    `Jobdeck fan-out bench — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}; Redis: ${redis.kind}`,
  );
  console.log(latencyTable(result.sections).join('\n'));
  console.log(result.lines.join('\n'));
  console.log('');
  console.log(targetTable(result.targets).join('\n'));
  writeFileSync(
    join(resultsDir, 'fanout.json'),
    `${JSON.stringify({ at: new Date().toISOString(), config, targets: result.targets, results: result.results }, null, 2)}\n`,
  );
  if (result.targets.some((entry) => !entry.pass)) exitCode = 2;
} catch (error) {
  console.error(`\nfan-out bench: ${error.stack ?? error.message}\n(process logs in ${logDir})`);
  exitCode = 1;
} finally {
  log('tearing down');
  await teardown();
  if (exitCode !== 1) rmSync(runDir, { recursive: true, force: true });
}
process.exit(exitCode);
