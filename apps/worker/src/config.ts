import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { defaultQueues } from '@jobdeck/workflows';
import { QUEUE_NAME_PATTERN } from '@jobdeck/workflows/vocabulary';
import { encryptionKeysSetting } from '@jobdeck/workflows/codec';

export interface QueueConfig {
  name: string;
  /** Activities this process runs at once on the queue. */
  concurrency: number;
}

const DEFAULT_CONCURRENCY: Record<string, number> = { webhooks: 20, sync: 4, reports: 2, maintenance: 1, control: 2 };
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * `JOBDECK_QUEUES="webhooks:20,sync:4"` picks queues and their concurrency; without it the worker
 * polls every queue a registered job type uses.
 */
export function parseQueues(spec: string | undefined): QueueConfig[] {
  if (!spec?.trim()) return defaultQueues().map((name) => ({ name, concurrency: DEFAULT_CONCURRENCY[name] ?? 5 }));
  return spec.split(',').map((part) => {
    const [name = '', concurrency] = part.trim().split(':');
    if (!QUEUE_NAME_PATTERN.test(name)) throw new Error(`JOBDECK_QUEUES: "${name}" is not a queue name`);
    const parsed = concurrency === undefined ? (DEFAULT_CONCURRENCY[name] ?? 5) : Number(concurrency);
    if (!Number.isInteger(parsed) || parsed < 1 || parsed > 1000)
      throw new Error(`JOBDECK_QUEUES: concurrency of ${name} must be 1..1000`);
    return { name, concurrency: parsed };
  });
}

const envSchema = z.object({
  DATABASE_URL: z.string().min(1, 'DATABASE_URL is required (npm run dev sets it for you)'),
  REDIS_URL: z
    .string()
    .optional()
    .transform((value) => value || null),
  JOBDECK_REDIS_PREFIX: z.string().default('jobdeck:'),
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
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
  /** Keys of the payload codec: `<id>:<base64 of 32 bytes>[,…]`, the first encrypts, all decrypt. Required. */
  JOBDECK_ENCRYPTION_KEYS: encryptionKeysSetting,
  /** Temporal's own log lines in the worker: its INFO lines (every state change of every worker) drown what matters. */
  JOBDECK_TEMPORAL_LOG_LEVEL: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']).default('WARN'),
  NODE_ENV: z.string().optional(),
});

/** The variables this process reads, for `--help`; what each means is in the README's "Environment variables". */
export const ENVIRONMENT_VARIABLES = Object.keys(envSchema.shape);

export type WorkerConfig = ReturnType<typeof loadWorkerConfig>;

/** The worker's environment, validated once: a wrong value stops the start with every problem named. */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(
      `invalid configuration:\n${parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n')}`,
    );
  }
  const e = parsed.data;
  // Without a signing key every webhook would fail at run time: production refuses to start instead.
  if (e.NODE_ENV === 'production' && !e.JOBDECK_WEBHOOK_SECRET) {
    throw new Error(
      'invalid configuration:\n  JOBDECK_WEBHOOK_SECRET is required in production: the key that signs every webhook delivery',
    );
  }
  return {
    temporalAddress: e.TEMPORAL_ADDRESS,
    temporalNamespace: e.TEMPORAL_NAMESPACE,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.JOBDECK_REDIS_PREFIX,
    storageDir: resolve(e.JOBDECK_STORAGE_DIR ?? `${repoRoot}.data/storage`),
    queues: parseQueues(e.JOBDECK_QUEUES),
    workflowBundlePath: e.JOBDECK_WORKFLOW_BUNDLE,
    shutdownGraceMs: e.JOBDECK_SHUTDOWN_GRACE_MS,
    activeSignalDelayMs: e.JOBDECK_ACTIVE_SIGNAL_DELAY_MS,
    outboundAllow: e.JOBDECK_OUTBOUND_ALLOW,
    webhookSecret: e.JOBDECK_WEBHOOK_SECRET,
    webhookSecrets: e.JOBDECK_WEBHOOK_SECRETS,
    encryptionKeys: e.JOBDECK_ENCRYPTION_KEYS,
    temporalLogLevel: e.JOBDECK_TEMPORAL_LOG_LEVEL,
    production: e.NODE_ENV === 'production',
  };
}
