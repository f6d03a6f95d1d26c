import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { createDb, createSql } from '@jobdeck/db';
import { BOOKKEEPING_QUEUE, createEventBus, createJobRecorder } from '@jobdeck/workflows';
import { createActivities } from '@jobdeck/workflows/activities';
import { createOutboundClient, createOutboundPolicy, parseWebhookSecrets } from '@jobdeck/workflows/outbound';
import { writeWorkflowsEntry } from '@jobdeck/workflows/bundle';
import { FAILURE_CONVERTER_PATH, jobdeckDataConverter } from '@jobdeck/workflows/codec';
import {
  startTracing,
  TRACING_WORKFLOW_INTERCEPTORS,
  tracingActivityInterceptors,
  tracingClientInterceptors,
  tracingSinks,
} from '@jobdeck/workflows/telemetry';
import { attemptTracking } from './attempts';
import { jobRecordSinks } from './record-sinks';
import { createWorkCounters } from './process-figures';
import { createWorkerMetrics, serveWorkerMetrics } from './metrics';
import { startReporter } from './reporter';
import type { WorkerConfig } from './config';

const execFileAsync = promisify(execFile);

/**
 * The workflow bundle: a prebuilt one (JOBDECK_WORKFLOW_BUNDLE), else bundled now in a child process.
 * Webpack (and the swc compiler it loads) grows a process by about 100 MB that it never gives back:
 * bundled in this process, that would stay in the worker's memory for as long as it runs.
 */
export async function loadWorkflowBundle(path: string | null): Promise<WorkflowBundleOption> {
  if (path) return { codePath: path };
  // The sandbox converts workflow failures itself: it must encode their messages as every other process does.
  // Tracing's workflow interceptors are always in: they act only on runs started with a trace context.
  return { code: await bundleInChild(writeWorkflowsEntry(), FAILURE_CONVERTER_PATH, [TRACING_WORKFLOW_INTERCEPTORS]) };
}

/** Runs in a plain `node -e` (no heap cap from NODE_OPTIONS, no tsx): bundles, prints the code on stdout. */
const BUNDLER_SCRIPT = `
const [temporalWorker, workflowsPath, failureConverterPath, ...workflowInterceptorModules] = process.argv.slice(1);
const quiet = () => {};
const say = (message) => console.error(message);
require(temporalWorker)
  .bundleWorkflowCode({ workflowsPath, failureConverterPath, workflowInterceptorModules, logger: { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: say, error: say } })
  .then(({ code }) => process.stdout.write(code))
  .catch((error) => { console.error(error && error.stack ? error.stack : String(error)); process.exit(1); });
`;

async function bundleInChild(
  workflowsPath: string,
  failureConverterPath: string,
  workflowInterceptorModules: string[],
): Promise<string> {
  const temporalWorker = createRequire(import.meta.url).resolve('@temporalio/worker');
  // NODE_OPTIONS may cap the worker's heap (see the README's worker memory settings): webpack needs more.
  const { NODE_OPTIONS: _nodeOptions, ...env } = process.env;
  const { stdout, stderr } = await execFileAsync(
    process.execPath,
    ['-e', BUNDLER_SCRIPT, temporalWorker, workflowsPath, failureConverterPath, ...workflowInterceptorModules],
    { env, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
  ).catch((error: Error & { stderr?: string }) => {
    throw new Error(`bundling the workflows failed: ${error.stderr?.trim() || error.message}`);
  });
  if (stderr.trim()) console.warn(stderr.trim());
  return stdout;
}

export interface RunningWorkers {
  /** Resolves once every worker has stopped (after shutdown() or a shutdown signal). */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

/** Activities the bookkeeping queue runs at once in each worker process. */
const BOOKKEEPING_CONCURRENCY = 50;

let runtimeInstalled = false;
function installRuntime(level: WorkerConfig['temporalLogLevel'], heartbeatMs: number): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  // Temporal's own INFO lines (every state change of every worker) drown what matters. Its worker
  // heartbeats (ListWorkers, `temporal worker list`) go as often as Jobdeck's own reports (1–60 s).
  Runtime.install({ logger: new DefaultLogger(level), workerHeartbeatInterval: heartbeatMs });
}

/** One Temporal worker per queue in this process, sharing one connection, bundle and set of services. */
export async function startWorkers(
  config: WorkerConfig,
  log: (message: string) => void = console.log,
): Promise<RunningWorkers> {
  installRuntime(config.temporalLogLevel, config.reportIntervalMs);
  // Parsed before connecting to anything: a typo in either variable stops the start, naming it.
  const outbound = createOutboundClient({ policy: createOutboundPolicy(config.outboundAllow) });
  const webhookSecrets = parseWebhookSecrets(config.webhookSecret, config.webhookSecrets);
  // Null unless OTEL_EXPORTER_OTLP_ENDPOINT is set; a collector the outbound policy refuses stops the start.
  const tracing = await startTracing(config.tracing, log);
  await mkdir(config.storageDir, { recursive: true });
  // Job records (every job's statements) are plain SQL; Prisma serves the rarer writes and the maintenance jobs.
  const db = createDb(config.databaseUrl, { maxConnections: 5 });
  // The job records' per-job writes: plain SQL, a fraction of Prisma's CPU per statement.
  const sql = createSql(config.databaseUrl, { maxConnections: 8 });
  const events = createEventBus({ redisUrl: config.redisUrl, prefix: config.redisPrefix, onError: () => {} });
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const clientConnection = await Connection.connect({ address: config.temporalAddress });
  const dataConverter = jobdeckDataConverter(config.encryptionKeys);
  const client = new Client({
    connection: clientConnection,
    namespace: config.temporalNamespace,
    dataConverter,
    interceptors: { workflow: tracingClientInterceptors() },
  });
  const workflowBundle = await loadWorkflowBundle(config.workflowBundlePath);
  const records = createJobRecorder({ db, sql, events, log });
  const activities = createActivities({
    db,
    sql,
    events,
    records,
    storageDir: config.storageDir,
    temporal: client,
    namespace: config.temporalNamespace,
    outbound,
    webhookSecrets,
    alerting: {
      dashboardUrl: config.dashboardUrl,
      encryptionKeys: config.encryptionKeys,
      redisUrl: config.redisUrl,
      redisPrefix: config.redisPrefix,
      smtpUrl: config.smtpUrl,
      mailFrom: config.mailFrom,
    },
  });

  const counters = createWorkCounters();
  const metrics = createWorkerMetrics();
  const interceptors = {
    activity: [
      // First, so that the activity's span covers the other interceptors' work too.
      ...tracingActivityInterceptors(tracing),
      counters.activityCounting(),
      metrics.activityCounting(),
      attemptTracking({ records, client, activeSignalDelayMs: config.activeSignalDelayMs }),
    ],
  };
  const sinks = metrics.countingSinks(counters.countingSinks(jobRecordSinks(records)));
  // Jobs of the first workflow shell record themselves through activities on this never-paused queue.
  const bookkeepingWorker = Worker.create({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: BOOKKEEPING_QUEUE,
    activities,
    dataConverter,
    maxConcurrentActivityTaskExecutions: BOOKKEEPING_CONCURRENCY,
    interceptors: { activity: tracingActivityInterceptors(tracing) },
    shutdownGraceTime: config.shutdownGraceMs,
  });
  const workers = await Promise.all([
    bookkeepingWorker,
    ...config.queues.map((queue) =>
      Worker.create({
        connection,
        namespace: config.temporalNamespace,
        taskQueue: queue.name,
        workflowBundle,
        activities,
        dataConverter,
        maxConcurrentActivityTaskExecutions: queue.concurrency,
        shutdownGraceTime: config.shutdownGraceMs,
        // Heartbeats carry checkpoints: send them at least every 2 s, so a crash loses little work.
        maxHeartbeatThrottleInterval: '2 seconds',
        interceptors,
        sinks: { ...sinks, ...tracingSinks(tracing) },
      }),
    ),
  ]);
  const slotsOf = [BOOKKEEPING_QUEUE, ...config.queues.map((queue) => queue.name)];
  const concurrencyOf = [BOOKKEEPING_CONCURRENCY, ...config.queues.map((queue) => queue.concurrency)];
  const reporter = startReporter({
    redisUrl: config.redisUrl,
    prefix: config.redisPrefix,
    intervalMs: config.reportIntervalMs,
    counts: counters.counts,
    slots: () =>
      workers.map((worker, index) => ({
        name: slotsOf[index]!,
        slotsUsed: worker.getStatus().numInFlightNonLocalActivities,
        slotsAvailable: concurrencyOf[index]!,
      })),
  });
  // Before "worker polling": whoever waits for that line (tests, dev) finds the address already said.
  const metricsServer =
    config.metricsPort === null
      ? null
      : await serveWorkerMetrics(metrics.registry, config.metricsHost, config.metricsPort);
  if (metricsServer) log(`metrics on ${metricsServer.url}`);
  log(
    `worker polling ${config.queues.map((q) => `${q.name} (${q.concurrency})`).join(', ')} on ${config.temporalAddress}; events via ${events.mode === 'redis' ? 'Redis' : 'nothing (no Redis)'}`,
  );

  const done = Promise.all(workers.map((worker) => worker.run())).then(async () => {
    // What Postgres could not take yet is written before the connections close (or lost, and reconciled).
    if (!(await records.flush(5_000)))
      log(
        `worker stopping with ${records.pending()} record update(s) unwritten; the reconciler completes those records`,
      );
    await Promise.allSettled([
      reporter.stop(),
      tracing?.shutdown(),
      metricsServer?.close(),
      db.$disconnect(),
      sql.end(),
      events.close(),
      connection.close(),
      clientConnection.close(),
    ]);
  });
  return {
    done,
    async shutdown() {
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
