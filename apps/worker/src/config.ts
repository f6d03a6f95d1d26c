import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { defaultQueues, MAX_CONCURRENCY, queueConcurrency } from '@jobdeck/workflows';
import { QUEUE_NAME_PATTERN } from '@jobdeck/workflows/vocabulary';
import { invalidConfiguration, parseSettings, sharedConfig, sharedSettings } from '@jobdeck/workflows/settings';
import { tracingConfig, tracingSettings } from '@jobdeck/workflows/telemetry';

export interface QueueConfig {
  name: string;
  /** Activities this process runs at once on the queue. */
  concurrency: number;
}

/** A queue no job type names (one that enqueue's `queue` option chose): this many at once unless told. */
const OTHER_QUEUE_CONCURRENCY = 5;
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** What the job types on the queue ask for (the largest of their `concurrency`), else OTHER_QUEUE_CONCURRENCY. */
function defaultConcurrency(queue: string): number {
  return queueConcurrency(queue) ?? OTHER_QUEUE_CONCURRENCY;
}

/**
 * `JOBDECK_QUEUES="webhooks:20,sync"` picks queues and, optionally, their concurrency; without it the
 * worker polls every queue a registered job type uses. A concurrency not given comes from the job types.
 */
export function parseQueues(spec: string | undefined): QueueConfig[] {
  if (!spec?.trim()) return defaultQueues().map((name) => ({ name, concurrency: defaultConcurrency(name) }));
  return spec.split(',').map((part) => {
    const [name = '', concurrency] = part.trim().split(':');
    if (!QUEUE_NAME_PATTERN.test(name)) throw new Error(`JOBDECK_QUEUES: "${name}" is not a queue name`);
    const parsed = concurrency === undefined ? defaultConcurrency(name) : Number(concurrency);
    if (!Number.isInteger(parsed) || parsed < 1 || parsed > MAX_CONCURRENCY)
      throw new Error(`JOBDECK_QUEUES: concurrency of ${name} must be 1..${MAX_CONCURRENCY}`);
    return { name, concurrency: parsed };
  });
}

const envSchema = z.object({
  ...sharedSettings,
  ...tracingSettings,
  JOBDECK_STORAGE_DIR: z.string().min(1).optional(),
  JOBDECK_QUEUES: z.string().optional(),
  /** A prebuilt workflow bundle (the test run builds one with loadWorkflowBundle); bundled at start when absent. */
  JOBDECK_WORKFLOW_BUNDLE: z
    .string()
    .optional()
    .transform((value) => value || null),
  JOBDECK_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  /** After how long a running attempt is shown as JobState=active in Temporal (0: at once); see attempts.ts. */
  JOBDECK_ACTIVE_SIGNAL_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(1_000),
  /** Hosts and CIDRs outbound requests may reach although the outbound policy refuses their addresses. */
  JOBDECK_OUTBOUND_ALLOW: z.string().default(''),
  /** HMAC key of webhook signatures. */
  JOBDECK_WEBHOOK_SECRET: z
    .string()
    .optional()
    .transform((value) => value || null),
  /** Per-endpoint HMAC keys: `billing=…,crm=…`; a webhook names one with `input.secretName`. */
  JOBDECK_WEBHOOK_SECRETS: z.string().default(''),
  /** Temporal's own log lines in the worker: its INFO lines (every state change of every worker) drown what matters. */
  JOBDECK_TEMPORAL_LOG_LEVEL: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']).default('WARN'),
  /** GET /metrics (Prometheus) on this port, without a token; unset: no metrics server. 0 picks a free port (the log says which). */
  JOBDECK_WORKER_METRICS_PORT: z
    .union([z.literal('').transform(() => null), z.coerce.number().int().min(0).max(65535)])
    .optional(),
  /** Where the metrics server listens: keep it on an address only the scraper reaches. */
  JOBDECK_WORKER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** How often the worker reports its CPU, memory, event-loop delay and slots to Redis (insight.machines); see reporter.ts. */
  /** Where alert emails are sent from: smtp://user:pass@host:587 or smtps://…:465 (credentials stay in this variable). */
  SMTP_URL: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z
      .url({ protocol: /^smtps?$/, error: 'SMTP_URL must be an smtp:// or smtps:// URL' })
      .optional()
      .transform((value) => value ?? null),
  ),
  JOBDECK_MAIL_FROM: z.string().min(3).max(200).default('Jobdeck <jobdeck@localhost>'),
  JOBDECK_REPORT_INTERVAL_MS: z.coerce.number().int().min(1_000).max(60_000).default(5_000),
});

/** The variables this process reads, for `--help`; what each means is in the README's "Environment variables". */
export const ENVIRONMENT_VARIABLES = Object.keys(envSchema.shape);

export type WorkerConfig = ReturnType<typeof loadWorkerConfig>;

/** The worker's environment, validated once: a wrong value stops the start with every problem named. */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env) {
  const e = parseSettings(envSchema, env);
  // Without a signing key every webhook would fail at run time: production refuses to start instead.
  if (e.NODE_ENV === 'production' && !e.JOBDECK_WEBHOOK_SECRET) {
    throw invalidConfiguration([
      'JOBDECK_WEBHOOK_SECRET is required in production: the key that signs every webhook delivery',
    ]);
  }
  // Tracing is on when OTEL_EXPORTER_OTLP_ENDPOINT is set; its collector obeys the outbound policy.
  const tracingProblems: string[] = [];
  const tracing = tracingConfig(e, {
    defaultServiceName: 'jobdeck-worker',
    outboundAllow: e.JOBDECK_OUTBOUND_ALLOW,
    problems: tracingProblems,
  });
  if (tracingProblems.length) throw invalidConfiguration(tracingProblems);
  return {
    ...sharedConfig(e),
    tracing,
    storageDir: resolve(e.JOBDECK_STORAGE_DIR ?? `${repoRoot}.data/storage`),
    queues: parseQueues(e.JOBDECK_QUEUES),
    workflowBundlePath: e.JOBDECK_WORKFLOW_BUNDLE,
    shutdownGraceMs: e.JOBDECK_SHUTDOWN_GRACE_MS,
    activeSignalDelayMs: e.JOBDECK_ACTIVE_SIGNAL_DELAY_MS,
    outboundAllow: e.JOBDECK_OUTBOUND_ALLOW,
    webhookSecret: e.JOBDECK_WEBHOOK_SECRET,
    webhookSecrets: e.JOBDECK_WEBHOOK_SECRETS,
    temporalLogLevel: e.JOBDECK_TEMPORAL_LOG_LEVEL,
    reportIntervalMs: e.JOBDECK_REPORT_INTERVAL_MS,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.JOBDECK_MAIL_FROM,
    /** Null: no metrics server (see metrics.ts). */
    metricsPort: e.JOBDECK_WORKER_METRICS_PORT ?? null,
    metricsHost: e.JOBDECK_WORKER_METRICS_HOST,
  };
}
