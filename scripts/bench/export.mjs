// Bench module: exporting a million jobs (issue 11). A real worker process (apps/worker, started as
// the stack starts it: `node --import tsx apps/worker/src/main.ts`) runs the durable export job
// (jobs.export, started by the API's exports.create) over every record of the kept, seeded search
// database (scripts/bench/search-seed.mjs), once per format (--export-formats, default csv,xlsx),
// each in a fresh worker: the recommended exports worker (EXPORTS_WORKER_ENV below: the `exports`
// queue alone, V8 heaps capped, MALLOC_ARENA_MAX=2) unless --export-queues / --export-node-options
// ask for another. Measured: the wall time from exports.create to the export's row saying
// completed, rows/s, the file's size, the worker's CPU, and the worker process's memory: its RSS
// once started and idle (the baseline), and its peak RSS during the export (VmHWM from
// /proc/<pid>/status, reset through /proc/<pid>/clear_refs just before the export, and RSS sampled
// every 100 ms besides; a child process's figures are added to the worker's), the peak against 300 MB.
//
// The worker and the API it is started by run on the seeded database and on a Temporal dev server
// of their own (the stack's worker polls the stack's Temporal with the stack's database: an export
// job there would be run against the wrong records). Export job records and JobExport rows it
// leaves are deleted afterwards, so that the kept data stays the seed's.
import { existsSync, mkdirSync, openSync, readFileSync, readSync, closeSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { freeTemporalPort, repoRoot, waitFor } from '../lib/util.mjs';
import { stopProcess } from '../lib/processes.mjs';
import { target } from './measure.mjs';
import { ensureSearchSeed } from './search-seed.mjs';
import { cpuSecondsOf, login, startApiOn, trpcPost } from './search-tools.mjs';
import { countLines, memoryOf, resetPeak, rssSampler, startWorker } from './export-process.mjs';

export const EXPORT_RSS_LIMIT_MB = 300;
/**
 * The exports worker the README recommends, measured unless --export-queues or --export-node-options
 * say otherwise: a worker process for the `exports` queue alone, its V8 heaps capped (old space 128 MB,
 * young generation 2 MB semi-spaces, per isolate: the main thread's and the workflow thread's), and two
 * glibc malloc arenas instead of up to 8 per core (MALLOC_ARENA_MAX=2). The export job reads and writes
 * in plain SQL: Prisma's Wasm query compiler (60–90 MB once loaded) never loads in such a worker.
 */
export const EXPORTS_WORKER_ENV = {
  JOBDECK_QUEUES: 'exports',
  NODE_OPTIONS: '--max-old-space-size=128 --max-semi-space-size=2',
  MALLOC_ARENA_MAX: '2',
};
const describeEnv = (workerEnv) =>
  Object.entries(workerEnv)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
/** An export should not take longer than this here; past it the bench gives up on it. */
const EXPORT_TIMEOUT_MS = 30 * 60_000;

const count = (n) => n.toLocaleString('en');
const mb = (bytes) => bytes / 1e6;
const seconds = (msValue) => `${(msValue / 1000).toFixed(1)} s`;

export const exportModule = {
  name: 'export',
  async run({ config, log, env, redisClient, cleanup = [] }) {
    const records = config.searchRecords ?? 1_000_000;
    const formats = config.exportFormats ?? ['csv', 'xlsx'];
    const runDir = join(repoRoot, '.data', 'bench', `run-${process.pid}`);
    const logDir = join(runDir, 'logs');
    mkdirSync(logDir, { recursive: true });
    const storageDir = join(runDir, 'export-storage');
    const steps = [];
    const undo = async () => {
      while (steps.length)
        await steps
          .pop()()
          .catch((error) => console.error(`export clean-up: ${error.message}`));
    };
    cleanup.push(undo);
    const sections = [];
    const lines = [];
    const targets = [];
    const results = { records, formats, exports: [] };
    try {
      const seeded = await ensureSearchSeed({ serverUrl: env.DATABASE_URL, records, reseed: config.searchReseed, log });
      const { client, databaseUrl } = seeded;
      steps.push(() => client.end());
      // What an earlier run may have left (a killed run): the export jobs' records and rows.
      const forget = async () => {
        // Every record not of the seed: the export jobs, and the maintenance jobs its schedules ran.
        await client.query(`DELETE FROM "JobLog" WHERE "jobId" NOT LIKE 'srch-%'`);
        await client.query(`DELETE FROM "Job" WHERE "id" NOT LIKE 'srch-%'`);
        await client.query(`DELETE FROM "JobExport"`);
      };
      await forget();
      steps.push(forget);
      const { rows: size } = await client.query(`SELECT count(*)::int AS rows FROM "Job"`);
      const seededRows = size[0].rows;

      // A Temporal of its own for the export worker and API.
      const { ensureTemporal } = await import('../lib/stack.mjs');
      const temporal = await ensureTemporal({
        cli: env.TEMPORAL_CLI,
        port: await freeTemporalPort(),
        headless: true,
        logFile: join(logDir, 'temporal-export.log'),
      });
      steps.push(() => stopProcess(temporal.child, 5_000));
      const exportPrefix = `${env.JOBDECK_REDIS_PREFIX ?? ''}export:`;
      /** The main thread's JS heap in use, from the worker's own report in Redis (insight.machines). */
      const heapUsedOf = async (pid) => {
        if (!redisClient) return NaN;
        const ids = await redisClient.zrange(`${exportPrefix}machines:workers`, 0, -1).catch(() => []);
        for (const id of ids) {
          const body = await redisClient.get(`${exportPrefix}machines:worker:${id}`).catch(() => null);
          const report = body ? JSON.parse(body) : null;
          if (report?.pid === pid) return report.heapUsedBytes;
        }
        return NaN;
      };
      const exportEnv = {
        ...env,
        DATABASE_URL: databaseUrl,
        TEMPORAL_ADDRESS: temporal.address,
        JOBDECK_STORAGE_DIR: storageDir,
        JOBDECK_REDIS_PREFIX: exportPrefix,
        // Its report (RSS, JS heap used) every second, read during the export.
        JOBDECK_REPORT_INTERVAL_MS: '1000',
      };
      const api = await startApiOn({ env: exportEnv, databaseUrl, logDir, name: 'api-export' });
      steps.push(() => stopProcess(api.child, 5_000));
      const token = await login(api.apiUrl);

      // The exporting worker: the recommended exports worker (EXPORTS_WORKER_ENV), unless
      // --export-queues (e.g. `exports`; `all` for every queue) or --export-node-options (e.g.
      // --max-old-space-size=160) ask for another; MALLOC_ARENA_MAX then comes from this environment.
      const custom = Boolean(config.exportQueues || config.exportNodeOptions);
      const workerEnv = custom
        ? {
            ...(config.exportQueues && config.exportQueues !== 'all' ? { JOBDECK_QUEUES: config.exportQueues } : {}),
            ...(config.exportNodeOptions ? { NODE_OPTIONS: config.exportNodeOptions } : {}),
          }
        : EXPORTS_WORKER_ENV;
      const withNodeOptions = (extra) => ({
        ...extra,
        ...(extra.NODE_OPTIONS
          ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${extra.NODE_OPTIONS}`.trim() }
          : {}),
      });
      // A worker's idle memory by the queues it polls and its settings (skipped with --export-queues or
      // --export-node-options: that run is about one): every queue is a Temporal worker of its own with
      // its own workflow thread (its own V8 isolate, the bundle loaded into it).
      if (!custom) {
        results.idle = {};
        for (const [label, probeEnv] of [
          ['all queues, default settings', {}],
          ['exports only, default settings', { JOBDECK_QUEUES: 'exports' }],
          ['exports only, the recommended exports worker', EXPORTS_WORKER_ENV],
        ]) {
          const probe = await startWorker({
            env: { ...exportEnv, ...withNodeOptions(probeEnv) },
            logDir,
            name: `worker-probe-${Object.keys(results.idle).length + 1}`,
          });
          await new Promise((resolve) => setTimeout(resolve, 5_000));
          const memory = memoryOf(probe.child.pid);
          const threads = Number(
            /^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${probe.child.pid}/status`, 'utf8'))?.[1],
          );
          results.idle[label] = { ...memory, threads };
          await stopProcess(probe.child, 35_000);
        }
        lines.push(
          `export: an idle worker's RSS (started, polling, nothing running): ${Object.entries(results.idle)
            .map(
              ([label, memory]) =>
                `${label} ${mb(memory.rss).toFixed(0)} MB (start-up peak ${mb(memory.hwm).toFixed(0)} MB, ${memory.threads} threads)`,
            )
            .join(', ')}`,
        );
        log(lines.at(-1));
      }

      const how = describeEnv(workerEnv) || 'every queue, default settings';
      for (const format of formats) {
        log(`export: a fresh worker for the ${format} export${how ? ` (${how})` : ''}`);
        const worker = await startWorker({
          env: { ...exportEnv, ...withNodeOptions(workerEnv) },
          logDir,
          name: `worker-export-${format}`,
        });
        const stopWorker = () => stopProcess(worker.child, 35_000);
        steps.push(stopWorker);
        const pid = worker.child.pid;
        // Settled: started, bundle loaded, pollers up; then its idle RSS is the baseline.
        await new Promise((resolve) => setTimeout(resolve, 5_000));
        const startupPeak = memoryOf(pid)?.hwm ?? NaN;
        const baseline = memoryOf(pid)?.rss ?? NaN;
        const baselineHeap = await heapUsedOf(pid);
        const peakReset = resetPeak(pid);
        const sampler = rssSampler(pid);
        const cpu0 = cpuSecondsOf(pid);
        const t0 = performance.now();
        let created;
        const entry = {
          format,
          queues: workerEnv.JOBDECK_QUEUES ?? 'all',
          workerEnv,
          baseline,
          baselineHeap,
          startupPeak,
          peakReset,
        };
        try {
          created = await trpcPost(api.apiUrl, token, 'exports.create', { format, search: {} });
          entry.created = created;
          const exportId = created?.id ?? created?.exportId ?? created?.export?.id;
          if (!exportId)
            throw new Error(`exports.create answered without an export id: ${JSON.stringify(created).slice(0, 300)}`);
          let row;
          let lastLog = performance.now();
          await waitFor(
            `the ${format} export`,
            async () => {
              if (worker.child.exitCode !== null)
                throw Object.assign(
                  new Error(`the export worker exited with ${worker.child.exitCode} (see ${worker.logFile})`),
                  {
                    fatal: true,
                  },
                );
              ({
                rows: [row],
              } = await client.query(`SELECT * FROM "JobExport" WHERE "id" = $1`, [exportId]));
              const heap = await heapUsedOf(pid);
              if (heap > (entry.heapPeak ?? 0)) entry.heapPeak = heap;
              if (row?.state === 'failed')
                throw Object.assign(new Error(`the ${format} export failed: ${row.error}`), { fatal: true });
              if (performance.now() - lastLog > 15_000) {
                lastLog = performance.now();
                const memory = memoryOf(pid);
                log(
                  `export ${format}: ${count(row?.rows ?? 0)} rows after ${seconds(performance.now() - t0)}, worker RSS ${mb(memory?.rss ?? NaN).toFixed(0)} MB`,
                );
              }
              return row?.state === 'completed';
            },
            EXPORT_TIMEOUT_MS,
          );
          entry.wallMs = performance.now() - t0;
          entry.cpuSeconds = cpuSecondsOf(pid) - cpu0;
          entry.row = { rows: row.rows, totalRows: row.totalRows, bytes: Number(row.bytes), fileName: row.fileName };
          entry.serverMs = row.finishedAt && row.createdAt ? row.finishedAt - row.createdAt : null;
          const file = join(storageDir, 'exports', row.fileName ?? `${exportId}.${format}`);
          entry.file = existsSync(file) ? { bytes: statSync(file).size } : null;
          if (entry.file && format === 'csv') entry.file.lines = countLines(file);
          if (entry.file && format === 'xlsx') {
            const fd = openSync(file, 'r');
            const head = Buffer.alloc(4);
            readSync(fd, head, 0, 4, 0);
            closeSync(fd);
            entry.file.zip = head.toString('latin1', 0, 2) === 'PK';
          }
          if (existsSync(file)) rmSync(file);
        } finally {
          const sampled = sampler.stop();
          const memory = memoryOf(pid);
          entry.peak = Math.max(sampled.max, memory?.hwm ?? 0);
          entry.sampledPeak = sampled.max;
          entry.hwm = memory?.hwm ?? NaN;
          entry.children = memory?.children ?? 0;
          entry.rssSamples = sampled.samples;
          results.exports.push(entry);
          await stopWorker();
          steps.splice(steps.indexOf(stopWorker), 1);
        }
        const rows = entry.row.rows;
        const rate = rows / (entry.wallMs / 1000);
        log(
          `export ${format}: ${count(rows)} rows in ${seconds(entry.wallMs)} (${count(Math.round(rate))} rows/s); worker peak RSS ${mb(entry.peak).toFixed(0)} MB, idle ${mb(baseline).toFixed(0)} MB`,
        );
        lines.push(
          `export ${format} (${custom ? 'a worker started with' : 'the recommended exports worker:'} ${how}): ${count(rows)} rows (the seed's ${count(seededRows)} and the run's own jobs) in ${seconds(entry.wallMs)} (exports.create to completed), ${count(Math.round(rate))} rows/s; ` +
            `file ${entry.file ? `${(entry.file.bytes / 1e6).toFixed(0)} MB${entry.file.lines !== undefined ? `, ${count(entry.file.lines)} line breaks (quoted fields may hold some)` : ''}${entry.file.zip === false ? ', NOT A ZIP' : ''}` : 'not found'}; ` +
            `worker CPU ${entry.cpuSeconds.toFixed(1)} s; worker RSS idle before ${mb(baseline).toFixed(0)} MB, peak during the export ${mb(entry.peak).toFixed(0)} MB ` +
            `(VmHWM ${peakReset ? 'reset before the export' : 'NOT reset: includes start-up'} ${mb(entry.hwm).toFixed(0)} MB, sampled max ${mb(entry.sampledPeak).toFixed(0)} MB, ${entry.children ? `with its ${entry.children} child process(es)` : 'no child process'}), ` +
            `so the export added ${mb(entry.peak - baseline).toFixed(0)} MB; start-up peak ${mb(startupPeak).toFixed(0)} MB; ` +
            `main thread's JS heap in use ${mb(baselineHeap).toFixed(0)} MB idle, at most ${mb(entry.heapPeak ?? NaN).toFixed(0)} MB during the export (the worker's own 1 s reports)`,
        );
        targets.push(
          target(`export ${format}: worker peak RSS (${how})`, mb(entry.peak), EXPORT_RSS_LIMIT_MB, {
            unit: ' MB',
            how: `idle ${mb(baseline).toFixed(0)} MB before; ${count(rows)} rows in ${seconds(entry.wallMs)}, ${count(Math.round(rate))} rows/s`,
          }),
        );
        if (rows < seededRows)
          lines.push(`export ${format}: WARNING: ${count(seededRows - rows)} of the seeded records were not exported`);
      }
      await forget();
    } finally {
      await undo();
    }
    return { sections, lines, targets, results };
  },
};
