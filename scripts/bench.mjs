// `npm run bench`: starts a private stack the way `npm test` does (ephemeral Temporal dev server,
// own database, own Redis prefix, worker and API on free ports) plus a bare Temporal worker, then
// runs the bench modules in one run on one machine and prints every figure next to its limit
// (PASS/MISS). Raw numbers go to .data/bench/results.json; everything is torn down, failure or not.
//
// Modules (scripts/bench/*.mjs), each `{ name, run(ctx) → { sections, lines, targets, results } }`:
//   throughput  Jobdeck vs the bare workflow: jobs/s, history events, Temporal and worker CPU per job
//   reads       jobs.stats, jobs.list, jobs.get and enqueue vs Temporal's own calls at several volumes
//   insight     insight.* at 1M job records in a throwaway database, the rollups' upkeep, the dashboard's JS size
//   search      jobs.search's most common searches at 1M job records (a kept, seeded database), p95 vs 150 ms
//   export      a real worker exporting 1M job records to CSV and XLSX: time, rows/s, its peak RSS vs 300 MB
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bootstrap } from './lib/bootstrap.mjs';
import { log as logLine, repoRoot, waitFor } from './lib/util.mjs';
import { otherActivity } from './bench/measure.mjs';
import { latencyTable, targetTable } from './bench/report.mjs';
import { throughputModule } from './bench/throughput.mjs';
import { readsModule } from './bench/reads.mjs';
import { fanoutModule } from './bench/fanout.mjs';
import { insightModule } from './bench/insight.mjs';
import { searchModule } from './bench/search.mjs';
import { exportModule } from './bench/export.mjs';

// The fan-out benchmark plugs in here: add its module to this list (and its flags below).
const MODULES = [throughputModule, readsModule, fanoutModule, insightModule, searchModule, exportModule];

const { values: flags } = parseArgs({
  options: {
    only: { type: 'string', default: MODULES.map((module) => module.name).join(',') },
    jobs: { type: 'string', default: '150' },
    rounds: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    volumes: { type: 'string', default: '1000,5000,20000' },
    reads: { type: 'string', default: '30' },
    stats: { type: 'string', default: '20' },
    enqueue: { type: 'string', default: '30' },
    'seed-concurrency': { type: 'string', default: '32' },
    'visibility-rps': { type: 'string', default: '50' },
    'no-batch': { type: 'boolean', default: false },
    'insight-records': { type: 'string', default: '1000000' },
    'insight-samples': { type: 'string', default: '30' },
    'search-records': { type: 'string', default: '1000000' },
    'search-samples': { type: 'string', default: '30' },
    'search-reseed': { type: 'boolean', default: false },
    'search-drop': { type: 'boolean', default: false },
    'search-explain': { type: 'boolean', default: false },
    'search-text-statistics': { type: 'string', default: '0' },
    'export-formats': { type: 'string', default: 'csv,xlsx' },
    'export-queues': { type: 'string', default: '' },
    'export-node-options': { type: 'string', default: '' },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  console.log(`npm run bench -- [--only throughput,reads] [--jobs 150] [--rounds 2] [--concurrency 20] [--warmup 5]
                    [--volumes 1000,5000,20000] [--reads 30] [--stats 20] [--enqueue 30] [--seed-concurrency 32] [--visibility-rps 50] [--no-batch]
                    [--insight-records 1000000] [--insight-samples 30]
                    [--search-records 1000000] [--search-samples 30] [--search-reseed] [--search-drop] [--search-explain] [--search-text-statistics 1000]
                    [--export-formats csv,xlsx] [--export-queues exports] [--export-node-options=--max-old-space-size=160]
  --only             modules to run: ${MODULES.map((module) => module.name).join(', ')}
  --jobs, --rounds   throughput: jobs per run, and interleaved rounds of (Jobdeck via API, Jobdeck raw, bare); median of the rounds
  --concurrency      throughput: jobs submitted at a time
  --volumes          reads: numbers of closed jobs (JobType set, timed out by Temporal) seeded before each measurement
  --reads            reads: samples of jobs.list (and Temporal's list) and jobs.get (and describe) per volume
  --stats            reads: samples of uncached jobs.stats (and its visibility calls made raw) per volume
  --enqueue          reads: sequential jobs.enqueue, raw starts and auth.me per volume, on a queue no worker polls
  --visibility-rps   pace of visibility calls while sampling (the dev server throttles bursts above ~100/s;
                     a production frontend's default, frontend.namespaceRPS.visibility, is 10)
  --no-batch         typed client without httpBatchLink (one HTTP request per call)
  --insight-records  insight: ended job records seeded over 30 days into its throwaway database
  --insight-samples  insight: samples per procedure, window and filter (after 3 warm-up rounds)
  --search-records   search and export: job records in the kept database jobdeck_benchdata_search (seeded when
                     missing or of another seed version, size or migration; reused otherwise)
  --search-samples   search: samples per search over HTTP (after 3 warm-up rounds)
  --search-reseed    search and export: seed the kept database afresh
  --search-drop      search and export: drop the kept database at the end (the next run seeds again)
  --search-explain   search: print EXPLAIN (ANALYZE, BUFFERS) of every search, not only of those above 150 ms
  --search-text-statistics  search: ANALYZE "searchText" with this statistics target for the run (undone after)
  --export-formats   export: the formats exported, each over all the seeded records, each by a fresh worker
  --export-queues    export: JOBDECK_QUEUES of the exporting worker (default: every queue, as the stack starts it)
  --export-node-options  export: NODE_OPTIONS of the exporting worker (e.g. a heap cap)`);
  process.exit(0);
}
const count = (name, min = 1) => {
  const value = Number(flags[name]);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
  return value;
};
const volumes = flags.volumes.split(',').map(Number);
if (volumes.some((volume) => !Number.isInteger(volume) || volume < 1))
  throw new Error('--volumes is a comma-separated list of positive integers');
const only = flags.only
  .split(',')
  .map((name) => name.trim())
  .filter(Boolean);
const unknown = only.filter((name) => !MODULES.some((module) => module.name === name));
if (unknown.length)
  throw new Error(
    `--only: no module ${unknown.join(', ')} (there are ${MODULES.map((module) => module.name).join(', ')})`,
  );
const config = {
  jobs: count('jobs'),
  rounds: count('rounds'),
  concurrency: count('concurrency'),
  warmup: count('warmup', 0),
  volumes: [...new Set(volumes)].sort((a, b) => a - b),
  reads: count('reads'),
  stats: count('stats'),
  enqueue: count('enqueue'),
  seedConcurrency: count('seed-concurrency'),
  visibilityRps: count('visibility-rps'),
  batch: !flags['no-batch'],
  insightRecords: count('insight-records'),
  insightSamples: count('insight-samples'),
  searchRecords: count('search-records'),
  searchSamples: count('search-samples'),
  searchReseed: flags['search-reseed'],
  searchDrop: flags['search-drop'],
  searchExplain: flags['search-explain'],
  searchTextStatistics: count('search-text-statistics', 0),
  exportQueues: flags['export-queues'].trim(),
  exportNodeOptions: flags['export-node-options'].trim(),
  exportFormats: flags['export-formats']
    .split(',')
    .map((format) => format.trim())
    .filter(Boolean),
};
const modules = MODULES.filter((module) => only.includes(module.name));

const started = Date.now();
const log = (message) => logLine(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}`);
const { temporalCli } = bootstrap();
const { startPrivateStack } = await import('./lib/stack.mjs');
const { runProcess, stopProcess } = await import('./lib/processes.mjs');
const { cpuMeter } = await import('./lib/bench-cpu.mjs');
const { tsImport } = await import('tsx/esm/api');

// One folder per run (logs, storage, bundle), removed afterwards; results.json stays in .data/bench.
const resultsDir = join(repoRoot, '.data', 'bench');
const runDir = join(resultsDir, `run-${process.pid}`);
const logDir = join(runDir, 'logs');
mkdirSync(logDir, { recursive: true });
const BARE_QUEUE = 'bench-bare';

const cleanup = [];
async function teardown() {
  for (const step of cleanup.reverse()) await step().catch((error) => console.error(`cleanup: ${error.message}`));
  cleanup.length = 0;
}
process.on('SIGINT', () => void teardown().then(() => process.exit(130)));

/** The bare baseline's worker, its own process so that its CPU is counted apart. */
async function startBareWorker(env) {
  const logFile = join(logDir, 'bare-worker.log');
  const child = runProcess('bare-worker', process.execPath, ['--import', 'tsx', 'scripts/bench/bare-worker.ts'], {
    env: {
      TEMPORAL_ADDRESS: env.TEMPORAL_ADDRESS,
      BENCH_BARE_QUEUE: BARE_QUEUE,
      BENCH_STORAGE_DIR: join(runDir, 'storage'),
    },
    logFile,
  });
  cleanup.push(() => stopProcess(child, 10_000));
  await waitFor(
    'the bare worker',
    () => {
      if (child.exitCode !== null)
        throw Object.assign(new Error(`the bare worker exited with ${child.exitCode} (see ${logFile})`), {
          fatal: true,
        });
      return existsSync(logFile) && readFileSync(logFile, 'utf8').includes('bare worker ready');
    },
    120_000,
  );
  return child;
}

let exitCode = 0;
try {
  log('starting a private stack: database, Redis prefix, Temporal, worker and API');
  const { apps, database, redis, temporal, adminPassword, env } = await startPrivateStack({
    name: 'bench',
    runDir,
    logDir,
    temporalCli,
    cleanup,
  });
  const bareWorker = modules.includes(throughputModule) ? await startBareWorker(env) : null;
  const { Redis } = await import('ioredis');
  const redisClient = env.REDIS_URL ? new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 }) : null;
  if (redisClient) cleanup.push(async () => redisClient.disconnect());

  const { createJobdeckClient, connectRawTemporal } = await tsImport(
    join(repoRoot, 'scripts/bench/baseline.ts'),
    import.meta.url,
  );
  const anonymous = createJobdeckClient({ url: apps.apiUrl });
  const { token, user } = await anonymous.auth.login.mutate({ email: 'admin@localhost', password: adminPassword });
  const jobdeck = createJobdeckClient({ url: apps.apiUrl, token, batch: config.batch });
  const raw = await connectRawTemporal(temporal.address, env.JOBDECK_ENCRYPTION_KEYS, BARE_QUEUE);
  cleanup.push(() => raw.close());
  const { default: pg } = await import('pg');
  const pgClient = new pg.Client({ connectionString: database.url });
  await pgClient.connect();
  cleanup.push(() => pgClient.end());

  const byName = Object.fromEntries(apps.children.map((child) => [child.name, child.pid]));
  const groups = {
    api: byName.api,
    worker: byName.worker,
    'bare worker': bareWorker?.pid,
    temporal: temporal.child?.pid,
    bench: process.pid,
  };
  const ourPids = new Set(Object.values(groups).filter(Boolean));
  const meter = () =>
    cpuMeter({
      groups,
      pgPids: async () =>
        (await pgClient.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database()')).rows.map(
          (row) => row.pid,
        ),
    });
  const interference = { before: { loadavg: loadavg(), processes: otherActivity(ourPids) } };
  const ctx = {
    config,
    log,
    jobdeck,
    raw,
    user,
    meter,
    pgClient,
    redisClient,
    redisPrefix: env.JOBDECK_REDIS_PREFIX,
    apiUrl: apps.apiUrl,
    token,
    env,
    cleanup,
  };

  const outcomes = [];
  for (const module of modules) {
    const moduleStarted = Date.now();
    outcomes.push({
      name: module.name,
      ...(await module.run(ctx)),
      seconds: Math.round((Date.now() - moduleStarted) / 1000),
    });
  }
  interference.after = { loadavg: loadavg(), processes: otherActivity(ourPids) };

  const out = [''];
  out.push(
    `Jobdeck bench — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, ${process.platform}/${process.arch}`,
  );
  out.push(
    `${database.kind}; Redis: ${redis.kind}; Temporal dev server ${temporal.address} (in-memory SQLite); typed client ${config.batch ? 'with' : 'without'} httpBatchLink`,
  );
  out.push('');
  out.push(...latencyTable(outcomes.flatMap((outcome) => outcome.sections)));
  for (const outcome of outcomes) if (outcome.lines.length) out.push('', ...outcome.lines);
  out.push('', 'Targets (issues 8, 10 and 11):', ...targetTable(outcomes.flatMap((outcome) => outcome.targets)));
  const seen = [
    ...new Map([...interference.before.processes, ...interference.after.processes].map((p) => [p.pid, p])).values(),
  ];
  out.push('');
  out.push(
    `load average ${interference.before.loadavg.map((v) => v.toFixed(2)).join(' ')} at start, ${interference.after.loadavg.map((v) => v.toFixed(2)).join(' ')} at end` +
      `${
        seen.length
          ? `; other Jobdeck/Temporal/test processes seen: ${seen
              .slice(0, 4)
              .map((p) => `${p.pid} ${p.args.slice(0, 60)}`)
              .join(' | ')}`
          : ''
      }`,
  );
  if (seen.length || interference.after.loadavg[0] > cpus().length)
    out.push('WARNING: other work shared the machine: the figures are noisy');
  out.push(`modules: ${outcomes.map((outcome) => `${outcome.name} ${outcome.seconds} s`).join(', ')}`);
  console.log(out.join('\n'));

  const results = {
    at: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGiB: totalmem() / 2 ** 30,
      node: process.versions.node,
      platform: process.platform,
      arch: process.arch,
    },
    config: { ...config, database: database.kind, redis: redis.kind, temporal: temporal.address },
    targets: outcomes.flatMap((outcome) => outcome.targets),
    modules: Object.fromEntries(outcomes.map((outcome) => [outcome.name, outcome.results])),
    interference,
  };
  writeFileSync(join(resultsDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nraw numbers in ${join(resultsDir, 'results.json')}`);
} catch (error) {
  console.error(`\njobdeck bench: ${error.stack ?? error.message}\n(process logs in ${logDir})`);
  exitCode = 1;
} finally {
  log('tearing down');
  await teardown();
  // Logs are kept when the run failed, to read; otherwise the run's folder goes.
  if (exitCode === 0) rmSync(runDir, { recursive: true, force: true });
}
console.log(`took ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(exitCode);
