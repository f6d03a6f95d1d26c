import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultQueues } from '@jobdeck/workflows';

export interface QueueConfig {
  name: string;
  /** Activities this process runs at once on the queue. */
  concurrency: number;
}

export interface WorkerConfig {
  temporalAddress: string;
  temporalNamespace: string;
  databaseUrl: string;
  redisUrl: string | null;
  redisPrefix: string;
  storageDir: string;
  queues: QueueConfig[];
  /** A prebuilt workflow bundle (see scripts/build-workflow-bundle.mjs); bundled at start when absent. */
  workflowBundlePath: string | null;
  shutdownGraceMs: number;
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
    if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(name)) throw new Error(`JOBDECK_QUEUES: "${name}" is not a queue name`);
    const parsed = concurrency === undefined ? (DEFAULT_CONCURRENCY[name] ?? 5) : Number(concurrency);
    if (!Number.isInteger(parsed) || parsed < 1 || parsed > 1000) throw new Error(`JOBDECK_QUEUES: concurrency of ${name} must be 1..1000`);
    return { name, concurrency: parsed };
  });
}

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL is required (npm run dev sets it for you)');
  return {
    temporalAddress: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    temporalNamespace: env.TEMPORAL_NAMESPACE ?? 'default',
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL || null,
    redisPrefix: env.JOBDECK_REDIS_PREFIX ?? 'jobdeck:',
    storageDir: resolve(env.JOBDECK_STORAGE_DIR ?? `${repoRoot}.data/storage`),
    queues: parseQueues(env.JOBDECK_QUEUES),
    workflowBundlePath: env.JOBDECK_WORKFLOW_BUNDLE || null,
    shutdownGraceMs: Number(env.JOBDECK_SHUTDOWN_GRACE_MS ?? 30_000),
  };
}
