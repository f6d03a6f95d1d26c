// `npm run bench`: starts a private stack the way `npm test` does (ephemeral Temporal dev server,
// own database, own Redis prefix, worker and API on free ports), then measures Jobdeck against raw
// Temporal in the same run: the same workflow started through the API and straight through
// @temporalio/client, both run by Jobdeck's worker. Prints a table, writes the raw numbers to
// .data/bench/results.json and tears everything down, failure or not.
//
//   npm run bench -- --enqueue 200 --jobs 200 --concurrency 20 --reads 50 --stats 10 --idle 100 --warmup 10 [--no-batch]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { bootstrap } from './lib/bootstrap.mjs';
import { log as logLine, repoRoot } from './lib/util.mjs';

const { values: flags } = parseArgs({
  options: {
    enqueue: { type: 'string', default: '200' },
    jobs: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '20' },
    reads: { type: 'string', default: '50' },
    stats: { type: 'string', default: '10' },
    idle: { type: 'string', default: '100' },
    'visibility-rps': { type: 'string', default: '50' },
    warmup: { type: 'string', default: '10' },
    'no-batch': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  console.log(`npm run bench -- [--enqueue N=200] [--jobs M=200] [--concurrency C=20] [--reads R=50] [--stats S=10] [--idle I=100] [--warmup W=10] [--no-batch]
  --enqueue         sequential jobs.enqueue calls, and as many raw workflow starts
  --jobs            jobs per end-to-end run (Jobdeck, then raw Temporal), enqueued C at a time
  --reads           samples of jobs.list, jobs.get and cached jobs.stats
  --stats           samples of uncached jobs.stats (a visibility count per type, queue and state; as many raw)
  --idle            sequential enqueues (and raw starts) on a queue no worker polls: latency without load
  --visibility-rps  pace of the read phase's visibility calls (R=50; the dev server throttles bursts
                    above ~100/s; a production frontend's default, frontend.namespaceRPS.visibility, is 10)
  --no-batch        typed client without httpBatchLink (one HTTP request per call)`);
  process.exit(0);
}
const count = (name) => {
  const value = Number(flags[name]);
  if (!Number.isInteger(value) || value < (name === 'warmup' ? 0 : 1)) throw new Error(`--${name} must be a positive integer`);
  return value;
};
const config = {
  enqueue: count('enqueue'),
  jobs: count('jobs'),
  concurrency: count('concurrency'),
  reads: count('reads'),
  stats: count('stats'),
  idle: count('idle'),
  visibilityRps: count('visibility-rps'),
  warmup: count('warmup'),
  batch: !flags['no-batch'],
};

const started = Date.now();
const log = (message) => logLine(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}`);
const { temporalCli } = bootstrap();
const { startPrivateStack } = await import('./lib/stack.mjs');
const { cpuMeter } = await import('./lib/bench-cpu.mjs');
const { tsImport } = await import('tsx/esm/api');

// One folder per run (logs, storage, bundle), removed afterwards; results.json stays in .data/bench.
const resultsDir = join(repoRoot, '.data', 'bench');
const runDir = join(resultsDir, `run-${process.pid}`);
const logDir = join(runDir, 'logs');
mkdirSync(logDir, { recursive: true });

const JOB_TYPE = 'data.sync';
const JOB_INPUT = { source: 'bench', records: 1, batchSize: 1 };
/** A queue no worker polls (phase d). */
const IDLE_QUEUE = 'bench-idle';
const COMPLETION_TIMEOUT_MS = 180_000;
/** The SDK retries RESOURCE_EXHAUSTED after 1 s × 1.7 ± 20 %: a call this slow was most likely throttled. */
const THROTTLED_MS = 1_300;

// ---------------------------------------------------------------------------------------------
// Figures

/** Nearest-rank percentiles, in ms. */
function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  const mean = sorted.reduce((sum, value) => sum + value, 0) / (sorted.length || 1);
  return { n: sorted.length, p50: at(50), p95: at(95), p99: at(99), mean, min: sorted[0], max: sorted.at(-1) };
}

async function timed(fn) {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/** Runs fn(i) for i < total, at most `concurrency` at once. */
async function pool(total, concurrency, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(total, concurrency) }, async () => {
    while (next < total) await fn(next++);
  }));
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s waiting for ${what}`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Other Jobdeck/Temporal/test processes busy on the machine (ps's %CPU is over each one's lifetime). */
function otherActivity(ourPids) {
  const ps = spawnSync('ps', ['-eo', 'pid=,ppid=,pcpu=,args='], { encoding: 'utf8' });
  if (ps.status !== 0) return [];
  return ps.stdout
    .split('\n')
    .map((line) => line.trim().match(/^(\d+)\s+(\d+)\s+([\d.]+)\s+(.*)$/))
    .filter(Boolean)
    .map(([, pid, ppid, pcpu, args]) => ({ pid: Number(pid), ppid: Number(ppid), pcpu: Number(pcpu), args: args.slice(0, 140) }))
    .filter((p) => !ourPids.has(p.pid) && !ourPids.has(p.ppid) && p.pcpu >= 2)
    .filter((p) => /vitest|scripts\/test\.mjs|server start-dev|chrom|src\/main\.ts|turbo|tsc\b/.test(p.args));
}

// ---------------------------------------------------------------------------------------------
// The stack, as scripts/test.mjs starts it

const cleanup = [];
async function teardown() {
  for (const step of cleanup.reverse()) await step().catch((error) => console.error(`cleanup: ${error.message}`));
  cleanup.length = 0;
}
process.on('SIGINT', () => void teardown().then(() => process.exit(130)));

let exitCode = 0;
try {
  log('starting a private stack: database, Redis prefix, Temporal, worker and API');
  const { apps, database, redis, temporal, adminPassword, env } = await startPrivateStack({ name: 'bench', runDir, logDir, temporalCli, cleanup });
  const redisPrefix = env.JOBDECK_REDIS_PREFIX;
  const { Redis } = await import('ioredis');
  const redisClient = env.REDIS_URL ? new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 }) : null;
  if (redisClient) cleanup.push(async () => redisClient.disconnect());

  // -------------------------------------------------------------------------------------------
  // Clients

  const { createJobdeckClient, connectRawTemporal } = await tsImport(join(repoRoot, 'scripts/bench/baseline.ts'), import.meta.url);
  const anonymous = createJobdeckClient({ url: apps.apiUrl });
  const { token, user } = await anonymous.auth.login.mutate({ email: 'admin@localhost', password: adminPassword });
  const jobdeck = createJobdeckClient({ url: apps.apiUrl, token, batch: config.batch });
  const raw = await connectRawTemporal(temporal.address, env.JOBDECK_ENCRYPTION_KEYS);
  cleanup.push(() => raw.close());
  const { default: pg } = await import('pg');
  const pgClient = new pg.Client({ connectionString: database.url });
  await pgClient.connect();
  cleanup.push(() => pgClient.end());

  const byName = Object.fromEntries(apps.children.map((child) => [child.name, child.pid]));
  const groups = { api: byName.api, worker: byName.worker, temporal: temporal.child?.pid, bench: process.pid };
  const ourPids = new Set(Object.values(groups).filter(Boolean));
  const meter = () => cpuMeter({
    groups,
    pgPids: async () => (await pgClient.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database()')).rows.map((row) => row.pid),
  });
  const interference = { before: { loadavg: loadavg(), processes: otherActivity(ourPids) } };

  const enqueueJobdeck = () => jobdeck.jobs.enqueue.mutate({ type: JOB_TYPE, input: JOB_INPUT }).then((result) => result.id);
  const enqueueRaw = () => raw.start(JOB_TYPE, JOB_INPUT, user.email).then((result) => result.id);

  /** Waits until every id has closed; Temporal's own start and close times of each. */
  async function waitClosed(ids, what) {
    const closed = await withTimeout(Promise.all(ids.map((id) => raw.closed(id))), COMPLETION_TIMEOUT_MS, what);
    const failed = closed.filter((entry) => !entry.ok);
    if (failed.length) throw new Error(`${failed.length} of ${ids.length} ${what} did not complete (e.g. ${failed[0].status})`);
    return closed;
  }

  // -------------------------------------------------------------------------------------------
  // a. Enqueue latency, one call at a time. Jobdeck and raw calls alternate (and swap order each
  // round), so that a burst of load from elsewhere hits both alike.

  log(`warming up (${config.warmup} of each call)`);
  const warmIds = [];
  for (let i = 0; i < config.warmup; i++) {
    warmIds.push(await enqueueJobdeck(), await enqueueRaw());
    await jobdeck.auth.me.query();
  }
  await waitClosed(warmIds, 'warm-up jobs');

  log(`a. enqueue latency: ${config.enqueue} sequential jobs.enqueue vs ${config.enqueue} workflow.start`);
  const seq = { jobdeck: [], raw: [], authMe: [], jobdeckIds: [], rawIds: [] };
  const meterA = meter();
  await meterA.start();
  for (let i = 0; i < config.enqueue; i++) {
    const calls = [
      async () => { const { ms, value } = await timed(enqueueJobdeck); seq.jobdeck.push(ms); seq.jobdeckIds.push(value); },
      async () => { const { ms, value } = await timed(enqueueRaw); seq.raw.push(ms); seq.rawIds.push(value); },
      async () => { seq.authMe.push((await timed(() => jobdeck.auth.me.query())).ms); },
    ];
    if (i % 2) calls.reverse();
    for (const call of calls) await call();
  }
  const closedA = {
    jobdeck: await waitClosed(seq.jobdeckIds, 'jobs of phase a (Jobdeck)'),
    raw: await waitClosed(seq.rawIds, 'jobs of phase a (raw)'),
  };
  const cpuA = await meterA.stop();

  // -------------------------------------------------------------------------------------------
  // b. End to end: M jobs, C at a time, until every one has completed. The raw run starts the same
  // workflow on the same worker, so the difference is the API's share.

  async function endToEnd(label, enqueue) {
    log(`b. end to end (${label}): ${config.jobs} jobs, ${config.concurrency} at a time`);
    const cpu = meter();
    await cpu.start();
    const submitted = new Array(config.jobs);
    const latencies = new Array(config.jobs);
    const waits = new Array(config.jobs);
    const t0 = Date.now();
    const p0 = performance.now();
    await pool(config.jobs, config.concurrency, async (i) => {
      submitted[i] = Date.now();
      const { ms, value: id } = await timed(enqueue);
      latencies[i] = ms;
      waits[i] = raw.closed(id);
    });
    const enqueueWallMs = performance.now() - p0;
    const closed = await withTimeout(Promise.all(waits), COMPLETION_TIMEOUT_MS, `the ${label} jobs`);
    const failed = closed.filter((entry) => !entry.ok);
    if (failed.length) throw new Error(`${failed.length} of ${config.jobs} ${label} jobs did not complete (e.g. ${failed[0].status})`);
    const lastClose = Math.max(...closed.map((entry) => entry.closeTime));
    const completionWallMs = lastClose - t0;
    return {
      enqueue: summarize(latencies),
      enqueueWallMs,
      enqueuePerSecond: config.jobs / (enqueueWallMs / 1000),
      // from the moment the caller sent the job to Temporal's close time
      endToEnd: summarize(closed.map((entry, i) => entry.closeTime - submitted[i])),
      // from Temporal's start time to its close time: queueing in the worker plus the run
      inTemporal: summarize(closed.map((entry) => entry.closeTime - entry.startTime)),
      completionWallMs,
      completedPerSecond: config.jobs / (completionWallMs / 1000),
      cpu: await cpu.stop(),
      samples: { enqueueMs: latencies },
    };
  }
  const e2e = { jobdeck: await endToEnd('Jobdeck', enqueueJobdeck), raw: await endToEnd('raw Temporal', enqueueRaw) };

  // -------------------------------------------------------------------------------------------
  // c. Reads. jobs.stats is cached for 3 s in Redis: an uncached sample drops the cache key first,
  // and is followed at once by cached ones. Visibility calls (one uncached jobs.stats makes dozens,
  // its raw baseline as many) are paced under the dev server's namespace rate limit: above it,
  // Temporal answers RESOURCE_EXHAUSTED and the SDK waits ~1.7 s before retrying.

  log(`c. reads: ${config.reads}× jobs.list, jobs.get, cached jobs.stats; ${config.stats}× uncached jobs.stats (≤ ${config.visibilityRps} visibility calls/s)`);
  const finishedId = seq.jobdeckIds[0];
  const statsKey = `${redisPrefix}cache:stats`;
  const statsQueries = raw.statsQueries().length;
  const historyLength = (await raw.client.workflow.getHandle(finishedId).describe()).historyLength;
  const reads = { list: [], rawList: [], get: [], rawDescribe: [], statsUncached: [], statsCached: [], rawStatsCounts: [] };
  const meterC = meter();
  await meterC.start();
  const readsStart = performance.now();
  let visibilityCalls = 0;
  const visibilityBudget = async (calls) => {
    const due = (visibilityCalls / config.visibilityRps) * 1000 - (performance.now() - readsStart);
    if (due > 0) await sleep(due);
    visibilityCalls += calls;
  };
  const cachedPerRound = Math.ceil(config.reads / config.stats);
  for (let i = 0; i < Math.max(config.reads, config.stats); i++) {
    const calls = [];
    if (i < config.reads) {
      calls.push(
        async () => { await visibilityBudget(1); reads.list.push((await timed(() => jobdeck.jobs.list.query({ limit: 25 }))).ms); },
        async () => { await visibilityBudget(1); reads.rawList.push((await timed(() => raw.list({}, 25))).ms); },
        async () => reads.get.push((await timed(() => jobdeck.jobs.get.query({ id: finishedId }))).ms),
        async () => reads.rawDescribe.push((await timed(() => raw.describe(finishedId))).ms),
      );
    }
    if (i < config.stats) {
      calls.push(
        async () => {
          await redisClient?.del(statsKey);
          await visibilityBudget(statsQueries);
          reads.statsUncached.push((await timed(() => jobdeck.jobs.stats.query())).ms);
          for (let k = 0; k < cachedPerRound && reads.statsCached.length < config.reads; k++) {
            reads.statsCached.push((await timed(() => jobdeck.jobs.stats.query())).ms);
          }
        },
        async () => { await visibilityBudget(statsQueries); reads.rawStatsCounts.push((await timed(() => raw.statsCounts())).ms); },
      );
    }
    if (i % 2) calls.reverse();
    for (const call of calls) await call();
  }
  const cpuC = await meterC.stop();

  // -------------------------------------------------------------------------------------------
  // d. Enqueue latency with nothing running: on a queue no worker polls, so that neither side
  // competes with the execution of earlier jobs for the CPU. Last, because these jobs stay waiting.

  log(`d. enqueue latency with nothing running: ${config.idle} jobs.enqueue vs ${config.idle} workflow.start on queue '${IDLE_QUEUE}'`);
  const idle = { jobdeck: [], raw: [], authMe: [] };
  const meterD = meter();
  await meterD.start();
  for (let i = 0; i < config.idle; i++) {
    const calls = [
      async () => idle.jobdeck.push((await timed(() => jobdeck.jobs.enqueue.mutate({ type: JOB_TYPE, input: JOB_INPUT, options: { queue: IDLE_QUEUE } }))).ms),
      async () => idle.raw.push((await timed(() => raw.start(JOB_TYPE, JOB_INPUT, user.email, { queue: IDLE_QUEUE }))).ms),
      async () => idle.authMe.push((await timed(() => jobdeck.auth.me.query())).ms),
    ];
    if (i % 2) calls.reverse();
    for (const call of calls) await call();
  }
  const cpuD = await meterD.stop();
  interference.after = { loadavg: loadavg(), processes: otherActivity(ourPids) };

  // -------------------------------------------------------------------------------------------
  // Report

  const s = {
    enqueue: summarize(seq.jobdeck),
    rawStart: summarize(seq.raw),
    authMe: summarize(seq.authMe),
    runJobdeck: summarize(closedA.jobdeck.map((entry) => entry.closeTime - entry.startTime)),
    runRaw: summarize(closedA.raw.map((entry) => entry.closeTime - entry.startTime)),
    list: summarize(reads.list),
    rawList: summarize(reads.rawList),
    get: summarize(reads.get),
    rawDescribe: summarize(reads.rawDescribe),
    statsUncached: summarize(reads.statsUncached),
    statsCached: summarize(reads.statsCached),
    rawStatsCounts: summarize(reads.rawStatsCounts),
    idleEnqueue: summarize(idle.jobdeck),
    idleRawStart: summarize(idle.raw),
    idleAuthMe: summarize(idle.authMe),
  };
  const ms = (value) => (value === undefined ? '' : value >= 100 ? value.toFixed(0) : value.toFixed(1));
  const rate = (value) => (value === undefined ? '' : `${value.toFixed(value >= 100 ? 0 : 1)}/s`);
  const vsRaw = (ours, theirs) => `${ours.p50 - theirs.p50 >= 0 ? '+' : ''}${(ours.p50 - theirs.p50).toFixed(1)} ms p50 (${(ours.p50 / theirs.p50).toFixed(2)}×), mean ${(ours.mean / theirs.mean).toFixed(2)}×`;
  const rows = [
    ['a. enqueue, sequential'],
    ['jobdeck jobs.enqueue', s.enqueue, rate(1000 / s.enqueue.mean), vsRaw(s.enqueue, s.rawStart)],
    ['raw workflow.start', s.rawStart, rate(1000 / s.rawStart.mean), 'baseline'],
    ['jobdeck auth.me (HTTP+auth floor)', s.authMe, rate(1000 / s.authMe.mean), ''],
    ['  its jobs, start→close (jobdeck)', s.runJobdeck, '', `${vsRaw(s.runJobdeck, s.runRaw)} (same worker)`],
    ['  its jobs, start→close (raw)', s.runRaw, '', 'baseline'],
    [`b. end to end, ${config.jobs} jobs, ${config.concurrency} at a time`],
    ['jobdeck enqueue (per call)', e2e.jobdeck.enqueue, rate(e2e.jobdeck.enqueuePerSecond), vsRaw(e2e.jobdeck.enqueue, e2e.raw.enqueue)],
    ['raw start (per call)', e2e.raw.enqueue, rate(e2e.raw.enqueuePerSecond), 'baseline'],
    ['jobdeck submit→completed', e2e.jobdeck.endToEnd, rate(e2e.jobdeck.completedPerSecond),
      `${vsRaw(e2e.jobdeck.endToEnd, e2e.raw.endToEnd)}; throughput ${(e2e.jobdeck.completedPerSecond / e2e.raw.completedPerSecond).toFixed(2)}×`],
    ['raw submit→completed', e2e.raw.endToEnd, rate(e2e.raw.completedPerSecond), 'baseline'],
    [`c. reads, ${config.reads} each (uncached stats: ${config.stats})`],
    ['jobdeck jobs.list (limit 25)', s.list, rate(1000 / s.list.mean), vsRaw(s.list, s.rawList)],
    ['raw listWorkflowExecutions (25)', s.rawList, rate(1000 / s.rawList.mean), 'baseline'],
    ['jobdeck jobs.get (finished job)', s.get, rate(1000 / s.get.mean), vsRaw(s.get, s.rawDescribe)],
    ['raw describe', s.rawDescribe, rate(1000 / s.rawDescribe.mean), 'baseline'],
    ['jobdeck jobs.stats, uncached', s.statsUncached, rate(1000 / s.statsUncached.mean), vsRaw(s.statsUncached, s.rawStatsCounts)],
    ['jobdeck jobs.stats, cached (3 s)', s.statsCached, rate(1000 / s.statsCached.mean), `${(s.statsUncached.p50 / s.statsCached.p50).toFixed(1)}× faster than uncached`],
    [`raw ${statsQueries} visibility calls, in parallel`, s.rawStatsCounts, rate(1000 / s.rawStatsCounts.mean), 'baseline'],
    [`d. enqueue, sequential, nothing running (queue '${IDLE_QUEUE}' has no worker)`],
    ['jobdeck jobs.enqueue', s.idleEnqueue, rate(1000 / s.idleEnqueue.mean), vsRaw(s.idleEnqueue, s.idleRawStart)],
    ['raw workflow.start', s.idleRawStart, rate(1000 / s.idleRawStart.mean), 'baseline'],
    ['jobdeck auth.me (HTTP+auth floor)', s.idleAuthMe, rate(1000 / s.idleAuthMe.mean), ''],
  ];
  const header = ['', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'mean ms', 'throughput', 'overhead vs raw Temporal'];
  const widths = [36, 5, 8, 8, 8, 8, 11];
  const line = (cells) => cells.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : i < widths.length ? String(cell).padStart(widths[i]) : `  ${cell}`)).join(' ');
  const out = [];
  out.push('');
  out.push(`Jobdeck bench — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, ${process.platform}/${process.arch}`);
  out.push(`${database.kind}; Redis: ${redis.kind}; Temporal dev server ${temporal.address} (in-memory SQLite); typed client ${config.batch ? 'with' : 'without'} httpBatchLink; worker defaults (sync queue: 4 activities at once)`);
  out.push('');
  out.push(line(header));
  for (const [label, stats, throughput, note] of rows) {
    if (!stats) {
      out.push(`── ${label} ${'─'.repeat(Math.max(0, 100 - label.length))}`);
      continue;
    }
    out.push(line([label, stats.n, ms(stats.p50), ms(stats.p95), ms(stats.p99), ms(stats.mean), throughput, note]));
  }
  out.push('');
  for (const [label, run] of [['Jobdeck', e2e.jobdeck], ['raw Temporal', e2e.raw]]) {
    out.push(`b. ${label.padEnd(12)}: ${config.jobs} accepted in ${(run.enqueueWallMs / 1000).toFixed(2)} s, all completed ${(run.completionWallMs / 1000).toFixed(2)} s after the first submit ` +
      `(${run.completedPerSecond.toFixed(1)} jobs/s); time inside Temporal p50 ${ms(run.inTemporal.p50)} ms, p95 ${ms(run.inTemporal.p95)} ms`);
  }
  const throttled = (samples) => samples.filter((value) => value >= THROTTLED_MS).length;
  const throttledStats = throttled(reads.statsUncached) + throttled(reads.rawStatsCounts) + throttled(reads.list) + throttled(reads.rawList);
  out.push(`a. a finished ${JOB_TYPE} job has ${historyLength} events in its Temporal history`);
  out.push(`c. one uncached jobs.stats = ${statsQueries} Temporal visibility calls (a count per job type and per queue, two listings); ` +
    `${throttledStats ? `${throttledStats} read samples took ≥ ${THROTTLED_MS} ms, the SDK's back-off after Temporal's namespace rate limit` : `none of the read samples was throttled at ${config.visibilityRps} calls/s`}`);
  const cpuLine = (label, cpu, jobs) => {
    if (!cpu) return `${label}: CPU accounting needs /proc`;
    const per = (value) => (jobs ? `${((value * 1000) / jobs).toFixed(1)}` : value.toFixed(2));
    const parts = Object.entries(cpu.cpuSeconds).filter(([, value]) => value > 0).map(([name, value]) => `${name} ${per(value)}`);
    const others = cpu.others.filter((entry) => entry.cpuSeconds >= 0.2).slice(0, 3).map((entry) => `${entry.comm} ${entry.cpuSeconds}s`).join(', ');
    return `${label} (${cpu.seconds} s, machine busy ${(cpu.machineBusySeconds / cpu.seconds).toFixed(2)} of ${cpus().length} cores): ` +
      `${jobs ? 'CPU ms per job' : 'CPU s'}: ${parts.join(', ')}; not ours: ${(cpu.otherSeconds / cpu.seconds).toFixed(2)} cores${others ? ` (${others})` : ''}`;
  };
  out.push('');
  out.push(cpuLine('CPU a. sequential', cpuA, config.enqueue * 2));
  out.push(cpuLine('CPU b. Jobdeck', e2e.jobdeck.cpu, config.jobs));
  out.push(cpuLine('CPU b. raw', e2e.raw.cpu, config.jobs));
  out.push(cpuLine('CPU c. reads', cpuC, 0));
  out.push(cpuLine('CPU d. idle enqueue', cpuD, config.idle * 2));
  const busyOthers = [cpuA, e2e.jobdeck.cpu, e2e.raw.cpu, cpuC, cpuD].filter(Boolean).map((cpu) => cpu.otherSeconds / cpu.seconds);
  const worstOthers = busyOthers.length ? Math.max(...busyOthers) : 0;
  const seen = [...new Map([...interference.before.processes, ...interference.after.processes].map((p) => [p.pid, p])).values()];
  out.push('');
  out.push(`load average ${interference.before.loadavg.map((v) => v.toFixed(2)).join(' ')} at start, ${interference.after.loadavg.map((v) => v.toFixed(2)).join(' ')} at end; ` +
    `work not from this bench took up to ${worstOthers.toFixed(2)} cores during a phase`);
  const bOthers = [e2e.jobdeck.cpu, e2e.raw.cpu].map((cpu) => (cpu ? cpu.otherSeconds / cpu.seconds : 0));
  if (Math.abs(bOthers[0] - bOthers[1]) > 0.25) {
    out.push(`WARNING: b. compares unequal runs: other work took ${bOthers[0].toFixed(2)} cores during Jobdeck's and ${bOthers[1].toFixed(2)} during raw Temporal's; trust the CPU ms per job more than the jobs/s`);
  }
  if (worstOthers > 0.25) out.push(`WARNING: other work on this machine took ${worstOthers.toFixed(2)} cores in some phase: the figures are noisy (see results.json interference)`);
  if (seen.length) out.push(`other Jobdeck/Temporal/test processes seen: ${seen.slice(0, 6).map((p) => `${p.pid} ${p.args.slice(0, 70)}`).join(' | ')}`);
  console.log(out.join('\n'));

  const results = {
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: totalmem() / 2 ** 30, node: process.versions.node, platform: process.platform, arch: process.arch },
    config: { ...config, jobType: JOB_TYPE, input: JOB_INPUT, database: database.kind, redis: redis.kind, temporal: temporal.address },
    summary: { ...s, endToEnd: { jobdeck: { ...e2e.jobdeck, samples: undefined }, raw: { ...e2e.raw, samples: undefined } } },
    cpu: { a: cpuA, bJobdeck: e2e.jobdeck.cpu, bRaw: e2e.raw.cpu, c: cpuC, d: cpuD },
    historyLength,
    statsVisibilityCalls: statsQueries,
    interference: { ...interference, worstOtherCores: worstOthers },
    samplesMs: {
      enqueue: seq.jobdeck, rawStart: seq.raw, authMe: seq.authMe,
      runJobdeck: closedA.jobdeck.map((entry) => entry.closeTime - entry.startTime),
      runRaw: closedA.raw.map((entry) => entry.closeTime - entry.startTime),
      e2eEnqueueJobdeck: e2e.jobdeck.samples.enqueueMs, e2eEnqueueRaw: e2e.raw.samples.enqueueMs,
      ...reads,
      idleEnqueue: idle.jobdeck, idleRawStart: idle.raw, idleAuthMe: idle.authMe,
    },
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
