// Bench module: Insight at a million jobs (issue 10). In a throwaway database of its own (on the
// stack's PostgreSQL server, migrated with the repo's migrations, dropped at the end, failure or
// not) it seeds --insight-records ended job records spread over the last 30 days (default
// 1,000,000; scripts/bench/insight-seed.mjs), starts a second API process on it, and measures:
//   - p50/p95 of every insight.* procedure over HTTP as a service calls it (GET /trpc/…?input=…
//     with a bearer token) for the 24 h, 7 d and 30 d windows, without and with a type filter, plus
//     insight.overview, insight.machines and jobs.stats; every cache the API keeps in Redis is
//     emptied before each call, so nothing is served from one. Target: p95 ≤ 100 ms each.
//   - the rollup upkeep per finishing job: interleaved rounds of one UPDATE per job (the worker's
//     end write, a fifth of them failing) with the rollup and fingerprint triggers on and off, on one
//     connection; the difference per job, median of the rounds, and the triggers' own time as
//     EXPLAIN ANALYZE reports it. Target: ≤ 1 ms.
//   - the dashboard's initial JS and the Insight page's lazy chunk, gzipped (scripts/bench/insight-bundle.mjs).
//
// Its own database rather than the stack's: the stack's worker and reconciler would act on the
// seeded live records, and the other modules' figures (jobs.stats at 1,000–20,000 jobs) would change.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, repoRoot, waitFor } from '../lib/util.mjs';
import { withDatabase } from '../lib/infra.mjs';
import { runProcess, stopProcess } from '../lib/processes.mjs';
import { summarize, target, timed } from './measure.mjs';
import { ms } from './report.mjs';
import { INSIGHT_TYPES, MINUTE_GRAIN_KEPT_DAYS, seedInsight, tableSizes } from './insight-seed.mjs';
import { measureUpkeep } from './insight-upkeep.mjs';
import { kib, measureBundle } from './insight-bundle.mjs';

const LIMIT_MS = 100;
const UPKEEP_LIMIT_MS = 1;
const WINDOWS = ['24h', '7d', '30d'];
/** The largest type (30 % of the records): the costliest filter. */
const FILTER_TYPE = INSIGHT_TYPES[0][0];
const WINDOWED = ['insight.trends', 'insight.performance', 'insight.failures'];
const UNWINDOWED = ['insight.overview', 'insight.machines', 'jobs.stats'];
const WARMUP_ROUNDS = 3;

const count = (n) => n.toLocaleString('en');
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(bytes >= 100 * 2 ** 20 ? 0 : 1)} MiB`;
const seconds = (msValue) => `${(msValue / 1000).toFixed(1)} s`;

/** One tRPC query over HTTP, as curl or a service would send it; the answer's size in bytes. */
async function trpcQuery(apiUrl, token, path, input) {
  const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const response = await fetch(`${apiUrl}/trpc/${path}${query}`, { headers: { authorization: `Bearer ${token}` } });
  const body = await response.text();
  if (!response.ok)
    throw Object.assign(new Error(`${path} answered ${response.status}: ${body.slice(0, 300)}`), {
      status: response.status,
      body,
    });
  return body.length;
}

async function login(apiUrl, password) {
  const response = await fetch(`${apiUrl}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@localhost', password }),
  });
  const body = await response.json();
  if (!response.ok || !body.result?.data?.token)
    throw new Error(`auth.login on the insight API answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
  return body.result.data.token;
}

/**
 * Empties every cache the API keeps under its Redis prefix before each call (the stack's API is idle
 * meanwhile); `seen` collects the names of the caches that had an entry.
 */
function cacheFlusher(redisClient, prefix) {
  if (!redisClient) return null;
  const seen = new Set();
  const flush = async () => {
    let cursor = '0';
    do {
      const [next, keys] = await redisClient.scan(cursor, 'MATCH', `${prefix}cache:*`, 'COUNT', 1000);
      if (keys.length) await redisClient.del(...keys);
      for (const key of keys) seen.add(key.slice(prefix.length + 'cache:'.length));
      cursor = next;
    } while (cursor !== '0');
  };
  return Object.assign(flush, { seen });
}

/** The calls measured: every windowed procedure × window × (no filter, type filter), then the unwindowed ones. */
function plannedCalls() {
  const calls = [];
  for (const path of WINDOWED)
    for (const window of WINDOWS)
      for (const type of [undefined, FILTER_TYPE])
        calls.push({
          path,
          window,
          filter: type ? `type=${type}` : '',
          input: type ? { window, type } : { window },
          label: `${path} ${window}${type ? ', type filter' : ''}`,
        });
  for (const path of UNWINDOWED) calls.push({ path, window: '', filter: '', input: undefined, label: path });
  return calls;
}

async function measureLatency({ apiUrl, token, samples, flush, log }) {
  const calls = plannedCalls();
  const missing = [];
  // A procedure the API does not have (yet) is reported, not fatal.
  for (const call of calls) {
    try {
      await trpcQuery(apiUrl, token, call.path, call.input);
    } catch (error) {
      if (error.status !== 404) throw error;
      missing.push(call.label);
      call.missing = true;
    }
  }
  const live = calls.filter((call) => !call.missing);
  for (let round = 0; round < WARMUP_ROUNDS; round++)
    for (const call of live) await trpcQuery(apiUrl, token, call.path, call.input);
  log(`insight: sampling ${live.length} calls × ${samples} (${missing.length} procedures missing)`);
  for (const call of live) {
    call.samples = [];
    call.bytes = 0;
  }
  for (let round = 0; round < samples; round++) {
    // Rotate the order each round, so that a burst of load from elsewhere does not land on one call.
    const order = live.map((_, i) => live[(i + round * 7) % live.length]);
    for (const call of order) {
      if (flush) await flush();
      const { ms: took, value } = await timed(() => trpcQuery(apiUrl, token, call.path, call.input));
      call.samples.push(took);
      call.bytes = value;
    }
  }
  return { calls: live, missing };
}

async function startInsightApi({ env, databaseUrl, logDir }) {
  const port = await freePort();
  const logFile = join(logDir, 'api-insight.log');
  const child = runProcess('api', process.execPath, ['--import', 'tsx', 'apps/api/src/main.ts'], {
    env: { ...env, DATABASE_URL: databaseUrl, API_PORT: String(port) },
    logFile,
  });
  const apiUrl = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      'the insight API',
      async () => {
        if (child.exitCode !== null)
          throw Object.assign(new Error(`the insight API exited with ${child.exitCode} (see ${logFile})`), {
            fatal: true,
          });
        return (await fetch(`${apiUrl}/healthz`).catch(() => null)) !== null;
      },
      90_000,
    );
  } catch (error) {
    await stopProcess(child, 5_000);
    throw error;
  }
  return { child, apiUrl };
}

export const insightModule = {
  name: 'insight',
  async run({ config, log, env, redisClient, cleanup = [] }) {
    const records = config.insightRecords ?? 1_000_000;
    const samples = config.insightSamples ?? 30;
    const { tsImport } = await import('tsx/esm/api');
    const { applyMigrations, ensureDatabase, dropDatabase } = await tsImport(
      join(repoRoot, 'packages/db/src/migrate.ts'),
      import.meta.url,
    );
    const logDir = join(repoRoot, '.data', 'bench', `run-${process.pid}`, 'logs');
    mkdirSync(logDir, { recursive: true });
    // jobdeck_bench_<pid>_…: a later bench run drops it should this one die before its clean-up.
    const databaseUrl = withDatabase(env.DATABASE_URL, `jobdeck_bench_${process.pid}_insight`);
    const steps = [];
    const undo = async () => {
      while (steps.length)
        await steps
          .pop()()
          .catch((error) => console.error(`insight clean-up: ${error.message}`));
    };
    cleanup.push(undo);

    const sections = [];
    const lines = [];
    const targets = [];
    const results = { records, samples, filterType: FILTER_TYPE };
    try {
      await dropDatabase(databaseUrl);
      await ensureDatabase(databaseUrl);
      steps.push(() => dropDatabase(databaseUrl));
      await applyMigrations(databaseUrl);
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      steps.push(() => client.end());

      log(`insight: seeding ${count(records)} job records over 30 days into a throwaway database`);
      const seeding = await seedInsight(client, { records, log });
      const sizes = await tableSizes(client);
      results.seeding = { ...seeding, tables: sizes };
      lines.push(
        `insight: seeded ${count(records)} ended + 300 live job records over 30 days in ${seconds(seeding.loadMs)} (AFTER triggers off), ` +
          `rollups and counters rebuilt in ${seconds(seeding.rebuildMs)} (minute grain kept ${MINUTE_GRAIN_KEPT_DAYS} days, as the cleanup keeps it), VACUUM (FULL for the rollups) ANALYZE ${seconds(seeding.analyzeMs)}`,
        `insight: tables ${sizes.map((size) => `${size.table} ${count(size.rows)} rows ${mib(size.bytes)}`).join(', ')}`,
      );
      log(lines.at(-2));

      const api = await startInsightApi({ env, databaseUrl, logDir });
      steps.push(() => stopProcess(api.child, 5_000));
      const token = await login(api.apiUrl, env.JOBDECK_ADMIN_PASSWORD);
      const flush = cacheFlusher(redisClient, env.JOBDECK_REDIS_PREFIX ?? '');
      const { calls, missing } = await measureLatency({ apiUrl: api.apiUrl, token, samples, flush, log });

      const rows = [];
      for (const call of calls) {
        const summary = summarize(call.samples);
        const verdict = summary.p95 <= LIMIT_MS ? 'PASS' : 'MISS';
        rows.push([call.label, summary, '', `p95 limit ${LIMIT_MS} ms: ${verdict}; answer ${kib(call.bytes)}`]);
        targets.push(
          target(`${call.label} p95`, summary.p95, LIMIT_MS, { unit: ' ms', how: `p50 ${ms(summary.p50)} ms` }),
        );
      }
      sections.push({
        title: `insight at ${count(records)} job records (30 days), uncached, over HTTP; filter: ${FILTER_TYPE} (${INSIGHT_TYPES[0][2] * 100} %)`,
        rows,
      });
      if (missing.length) lines.push(`insight: not measured, no such procedure yet: ${missing.join(', ')}`);
      if (flush)
        lines.push(
          `insight: the API's caches emptied before every call (the figures are each call's full cost): ${[...flush.seen].sort().join(', ')}`,
        );
      else lines.push('insight: no Redis: the API caches in its own memory, so cached calls may be among the samples');
      results.latency = calls.map((call) => ({
        path: call.path,
        window: call.window,
        filter: call.filter,
        bytes: call.bytes,
        summary: summarize(call.samples),
        samplesMs: call.samples,
      }));
      results.missing = missing;
      await stopProcess(api.child, 5_000);

      log('insight: measuring the rollup upkeep per finishing job');
      const upkeep = await measureUpkeep(client, { rounds: 10, perRound: 200, log });
      results.upkeep = upkeep;
      lines.push(
        `insight upkeep (${upkeep.triggers.join(', ')}): one end UPDATE per job (1 in 5 failing), ${upkeep.rounds} interleaved rounds of ${upkeep.perRound}: ` +
          `${upkeep.onMs.toFixed(3)} ms per job with the rollup triggers, ${upkeep.offMs.toFixed(3)} ms without; ` +
          `difference ${upkeep.differenceMs.toFixed(3)} ms (median of the rounds)`,
        `insight upkeep: the triggers' own time (EXPLAIN ANALYZE) per end: completed p50 ${upkeep.trigger.completed.p50.toFixed(3)} / p95 ${upkeep.trigger.completed.p95.toFixed(3)} ms, ` +
          (upkeep.trigger.failed
            ? `failed p50 ${upkeep.trigger.failed.p50.toFixed(3)} / p95 ${upkeep.trigger.failed.p95.toFixed(3)} ms`
            : 'failed: not measured'),
      );
      if (upkeep.failingRefused)
        lines.push(
          `insight upkeep: WARNING: a failing end was refused, so only successful ends were measured: ${upkeep.failingRefused}`,
        );
      targets.push(
        target('rollup upkeep per finishing job', upkeep.differenceMs, UPKEEP_LIMIT_MS, {
          unit: ' ms',
          how: `wall clock with - without the triggers; their own time p50 ${upkeep.trigger.all.p50.toFixed(3)}, p95 ${upkeep.trigger.all.p95.toFixed(3)} ms`,
        }),
      );
    } finally {
      await undo();
    }

    log('insight: building the dashboard to measure its JS');
    const bundle = measureBundle({ log });
    results.bundle = bundle;
    if (bundle.error) lines.push(`insight bundle: ${bundle.error}`);
    else {
      lines.push(
        `dashboard initial JS: ${kib(bundle.initial.gzip)} gzip (${kib(bundle.initial.bytes)} raw, ${bundle.initial.files.length} files: ${bundle.initial.files.join(', ')})`,
        bundle.insight
          ? `Insight page JS (lazy, beyond the initial load): ${kib(bundle.insight.gzip)} gzip (${kib(bundle.insight.bytes)} raw, ${bundle.insight.files.length} files: ${bundle.insight.files.join(', ')})`
          : `Insight page JS: not built${bundle.insightInInitial ? ' as a lazy chunk: it is in the initial load' : ' (no lazy chunk named after insight in the manifest)'}`,
      );
    }
    return { sections, lines, targets, results };
  },
};
