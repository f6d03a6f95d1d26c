// What every Jobdeck process (the API, the worker) reads from its environment alike: where Postgres,
// Redis and Temporal are, the payload codec's keys, production or not; and how a wrong value is said.
import { z } from 'zod';
import { encryptionKeysSetting, type EncryptionKeys } from './codec';

/** The variables both processes read; each process's own schema adds its own to these. */
export const sharedSettings = {
  DATABASE_URL: z.string().min(1, 'DATABASE_URL is required (npm run dev sets it for you)'),
  REDIS_URL: z
    .string()
    .optional()
    .transform((value) => value || null),
  JOBDECK_REDIS_PREFIX: z.string().default('jobdeck:'),
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** Keys of the payload codec: `<id>:<base64 of 32 bytes>[,…]`, the first encrypts, all decrypt. Required. */
  JOBDECK_ENCRYPTION_KEYS: encryptionKeysSetting,
  NODE_ENV: z.string().optional(),
  /** Where people open the dashboard (e.g. https://jobs.example.com): alert messages link to it. */
  JOBDECK_DASHBOARD_URL: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z
      .url({ protocol: /^https?$/, error: 'JOBDECK_DASHBOARD_URL must be an http or https URL' })
      .optional()
      .transform((value) => value?.replace(/\/+$/, '') ?? null),
  ),
};

/** A start refused for its configuration, every problem on a line of its own. */
export function invalidConfiguration(problems: string[]): Error {
  return new Error(`invalid configuration:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
}

/** The environment, validated once: a wrong value stops the start with every problem named. */
export function parseSettings<Schema extends z.ZodType>(schema: Schema, env: NodeJS.ProcessEnv): z.output<Schema> {
  const parsed = schema.safeParse(env);
  if (!parsed.success)
    throw invalidConfiguration(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  return parsed.data;
}

/** The shared settings as both processes' configurations name them. */
export function sharedConfig(e: {
  DATABASE_URL: string;
  REDIS_URL: string | null;
  JOBDECK_REDIS_PREFIX: string;
  TEMPORAL_ADDRESS: string;
  TEMPORAL_NAMESPACE: string;
  JOBDECK_ENCRYPTION_KEYS: EncryptionKeys;
  NODE_ENV?: string;
  JOBDECK_DASHBOARD_URL: string | null;
}) {
  return {
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.JOBDECK_REDIS_PREFIX,
    temporalAddress: e.TEMPORAL_ADDRESS,
    temporalNamespace: e.TEMPORAL_NAMESPACE,
    encryptionKeys: e.JOBDECK_ENCRYPTION_KEYS,
    production: e.NODE_ENV === 'production',
    dashboardUrl: e.JOBDECK_DASHBOARD_URL,
  };
}
