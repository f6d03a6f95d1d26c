// The worker's Prometheus metrics: what this process runs, counted as it happens, served on an address
// of its own (JOBDECK_WORKER_METRICS_HOST:JOBDECK_WORKER_METRICS_PORT) for a scraper on the same network.
// Each worker counts its own; queries sum over instances.
import { createServer, type Server } from 'node:http';
import { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import { jobTypes, workflowTypeFor, type JobEnvelope, type JobRecordSinks } from '@jobdeck/workflows';
import { BOOKKEEPING_ACTIVITIES } from '@jobdeck/workflows/activities';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** From a webhook answered at once to an export of a million rows. */
const RUN_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
/** Waits: none on an idle pool; minutes on a busy or paused queue. */
const WAIT_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];
/** Jobs started here whose end is not seen yet: past this many, the oldest are forgotten (their run time then comes from Temporal). */
const MAX_RUNNING_REMEMBERED = 50_000;

const knownTypes = new Set(jobTypes.map((jobType) => jobType.type));
const typeOfWorkflow = new Map(jobTypes.map((jobType) => [workflowTypeFor(jobType.type), jobType.type]));

export function createWorkerMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'jobdeck_' });
  const registers = [registry];
  const started = new Counter({
    name: 'jobdeck_jobs_started_total',
    help: 'Jobs this worker started (their workflow began), by type and queue; once per job, not per attempt.',
    labelNames: ['type', 'queue'] as const,
    registers,
  });
  const finished = new Counter({
    name: 'jobdeck_jobs_finished_total',
    help: 'Jobs this worker saw end, by type, queue and outcome (completed, failed, cancelled); Temporal ends terminated and timed-out jobs itself (see jobdeck_jobs on the API).',
    labelNames: ['type', 'queue', 'outcome'] as const,
    registers,
  });
  const runSeconds = new Histogram({
    name: 'jobdeck_job_run_seconds',
    help: 'Time from a job starting to its end, retries and waits for a free slot included, by type, queue and outcome.',
    labelNames: ['type', 'queue', 'outcome'] as const,
    buckets: RUN_BUCKETS,
    registers,
  });
  const waitSeconds = new Histogram({
    name: 'jobdeck_job_wait_seconds',
    help: 'Time from a job being due (enqueued, or its runAt) to a worker starting it, by type and queue.',
    labelNames: ['type', 'queue'] as const,
    buckets: WAIT_BUCKETS,
    registers,
  });
  const attempts = new Counter({
    name: 'jobdeck_activity_attempts_total',
    help: "Attempts of jobs' activities this worker ran, by activity, queue and outcome (completed, failed, cancelled).",
    labelNames: ['activity', 'queue', 'outcome'] as const,
    registers,
  });
  const attemptWait = new Histogram({
    name: 'jobdeck_activity_wait_seconds',
    help: 'Time an activity attempt waited in its queue for a free worker slot, by queue.',
    labelNames: ['queue'] as const,
    buckets: WAIT_BUCKETS,
    registers,
  });

  // When and as what each job began here, for its run time and labels at its end.
  const running = new Map<string, { type: string; queue: string; at: number }>();

  function jobStarted(job: JobEnvelope, taskQueue: string): void {
    const now = Date.now();
    const due = Math.max(Date.parse(job.enqueuedAt) || now, job.runAt ? Date.parse(job.runAt) || 0 : 0);
    // Label values only from the catalogue and the queues this worker polls: an envelope started around
    // the API says what it likes, and each distinct value would be a new series.
    const labels = { type: knownTypes.has(job.type) ? job.type : 'unknown', queue: taskQueue };
    started.inc(labels);
    waitSeconds.observe(labels, Math.max(0, now - due) / 1000);
    running.set(job.jobId, { ...labels, at: now });
    if (running.size > MAX_RUNNING_REMEMBERED) running.delete(running.keys().next().value!);
  }

  function jobFinished(
    jobId: string,
    outcome: string,
    workflow: { workflowType: string; taskQueue: string; runStartTime: Date },
  ): void {
    const known = running.get(jobId);
    running.delete(jobId);
    // A job started by another worker (or before a restart): its labels and start from Temporal's info.
    const type = known?.type ?? typeOfWorkflow.get(workflow.workflowType) ?? 'unknown';
    const queue = known?.queue ?? workflow.taskQueue;
    const at = known?.at ?? (new Date(workflow.runStartTime).getTime() || Date.now());
    finished.inc({ type, queue, outcome });
    runSeconds.observe({ type, queue, outcome }, Math.max(0, Date.now() - at) / 1000);
  }

  /** Counting never stands in the way of the record it rides along with. */
  function counted(count: () => void): void {
    try {
      count();
    } catch (error) {
      console.warn(`metrics: a job was not counted: ${(error as Error).message}`);
    }
  }

  return {
    registry,
    /**
     * The record sinks, counting each start and end this process records. Sinks are not called on
     * replay, so a job is counted once however often its history is replayed, and activity retries
     * happen inside it (jobdeck_activity_attempts_total counts those).
     */
    countingSinks(sinks: InjectedSinks<JobRecordSinks>): InjectedSinks<JobRecordSinks> {
      const { started: start, finished: finish } = sinks.jobRecords;
      return {
        ...sinks,
        jobRecords: {
          started: {
            ...start,
            fn: (...args: Parameters<typeof start.fn>) => {
              counted(() => jobStarted(args[1], args[0].taskQueue));
              return start.fn(...args);
            },
          },
          finished: {
            ...finish,
            fn: (...args: Parameters<typeof finish.fn>) => {
              counted(() => jobFinished(args[1], args[2].state, args[0]));
              return finish.fn(...args);
            },
          },
        },
      };
    },
    /** Counts the attempts of jobs' own activities (the bookkeeping ones are Jobdeck's, not the job's). */
    activityCounting: (): ActivityInterceptorsFactory => () => ({
      inbound: {
        async execute(input, next) {
          const { info, cancellationSignal } = Context.current();
          if (info.isLocal || BOOKKEEPING_ACTIVITIES.has(info.activityType)) return next(input);
          const labels = { activity: info.activityType, queue: info.taskQueue };
          const waitedMs = Date.now() - info.currentAttemptScheduledTimestampMs;
          if (Number.isFinite(waitedMs)) attemptWait.observe({ queue: info.taskQueue }, Math.max(0, waitedMs) / 1000);
          try {
            const result = await next(input);
            attempts.inc({ ...labels, outcome: 'completed' });
            return result;
          } catch (error) {
            attempts.inc({ ...labels, outcome: cancellationSignal.aborted ? 'cancelled' : 'failed' });
            throw error;
          }
        },
      },
    }),
  };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

/** GET /metrics on its own address, no token: bind it where only the scraper reaches (127.0.0.1 unless told). */
export async function serveWorkerMetrics(
  registry: Registry,
  host: string,
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: 'GET /metrics only' }));
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(req.method === 'HEAD' ? '' : text),
      (error: Error) =>
        res.writeHead(500, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: error.message })),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `JOBDECK_WORKER_METRICS_PORT: cannot listen on ${host}:${port} (${error.code ?? error.message}); choose another port, or 0 for a free one`,
        ),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${bound}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A scraper keeps its connection open between scrapes: it must not hold the shutdown.
        server.closeAllConnections();
      }),
  };
}
