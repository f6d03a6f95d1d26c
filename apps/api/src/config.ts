import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { productionAdminPasswordProblem } from './auth/admin';
import { checkTrustedProxies } from './client-address';
import { invalidConfiguration, parseSettings, sharedConfig, sharedSettings } from '@jobdeck/workflows/settings';
import { tracingConfig, tracingSettings } from '@jobdeck/workflows/telemetry';

const envSchema = z.object({
  ...sharedSettings,
  ...tracingSettings,
  TEMPORAL_UI_URL: z.string().default('http://127.0.0.1:8233'),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /** Origins allowed to call the API from a browser, comma separated; the dashboard's dev server by default. */
  JOBDECK_CORS_ORIGINS: z.string().default('http://127.0.0.1:5173,http://localhost:5173'),
  JOBDECK_ADMIN_EMAIL: z
    .string()
    .regex(/^[^\s@]+@[^\s@]+$/, 'JOBDECK_ADMIN_EMAIL is not an email address')
    .default('admin@localhost'),
  /** The first admin's password, used only when no admin exists yet. */
  JOBDECK_ADMIN_PASSWORD: z
    .string()
    .min(10, 'JOBDECK_ADMIN_PASSWORD must be at least 10 characters')
    .max(256)
    .optional(),
  JOBDECK_SESSION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  /** Login attempts per account (four times as many per client address) before each further one must wait, 1 s doubling to 15 min. */
  JOBDECK_LOGIN_FREE_ATTEMPTS: z.coerce.number().int().min(1).max(100_000).default(5),
  /**
   * Addresses (or CIDRs) of the reverse proxies in front of the API, comma separated. Only a request
   * that arrives from one of them has its X-Forwarded-For read; anyone else's is ignored.
   */
  JOBDECK_TRUSTED_PROXIES: z.string().default(''),
  /** Origins of the Temporal Web UI, which calls the codec endpoint (/codec) from the browser. */
  JOBDECK_CODEC_CORS_ORIGINS: z.string().default('http://127.0.0.1:8233,http://localhost:8233'),
  /** The longest one call to Temporal may take, its retries included: past it the caller is answered 503. */
  JOBDECK_TEMPORAL_DEADLINE_MS: z.coerce.number().int().min(500).max(60_000).default(4_000),
  /** On SIGTERM, how long requests in flight may take to finish before their connections are closed. */
  JOBDECK_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  /** Jobdeck's storage: the API serves the export files the worker writes there, so both must name the same folder. */
  JOBDECK_STORAGE_DIR: z.string().min(1).optional(),
  /** Hosts and CIDRs outbound connections may reach although the outbound policy refuses their addresses (here: the OTLP collector). */
  JOBDECK_OUTBOUND_ALLOW: z.string().default(''),
  /**
   * GET /metrics on an address of its own, without a token (a network only Prometheus reaches); unset:
   * /metrics is on the API's port and asks for a viewer token. 0 picks a free port (tests).
   */
  JOBDECK_METRICS_PORT: z
    .union([z.literal('').transform(() => null), z.coerce.number().int().min(0).max(65535)])
    .optional(),
  JOBDECK_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** How long a finished export's download link works, in hours. */
  JOBDECK_EXPORT_DOWNLOAD_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(24),
});

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The variables this process reads, for `--help`; what each means is in the README's "Environment variables". */
export const ENVIRONMENT_VARIABLES = Object.keys(envSchema.shape);

export type ApiConfig = ReturnType<typeof loadApiConfig>;

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env) {
  const e = parseSettings(envSchema, env);
  const problems: string[] = [];
  const trustedProxies = e.JOBDECK_TRUSTED_PROXIES.split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  try {
    checkTrustedProxies(trustedProxies);
  } catch (error) {
    problems.push(`JOBDECK_TRUSTED_PROXIES: ${(error as Error).message}`);
  }
  if (e.NODE_ENV === 'production') {
    const adminProblem = productionAdminPasswordProblem(e.JOBDECK_ADMIN_PASSWORD ?? null, e.JOBDECK_ADMIN_EMAIL);
    if (adminProblem) problems.push(adminProblem);
  }
  // Tracing is on when OTEL_EXPORTER_OTLP_ENDPOINT is set; its collector obeys the outbound policy.
  const tracing = tracingConfig(e, {
    defaultServiceName: 'jobdeck-api',
    outboundAllow: e.JOBDECK_OUTBOUND_ALLOW,
    problems,
  });
  if (problems.length) throw invalidConfiguration(problems);
  return {
    ...sharedConfig(e),
    tracing,
    temporalDeadlineMs: e.JOBDECK_TEMPORAL_DEADLINE_MS,
    shutdownGraceMs: e.JOBDECK_SHUTDOWN_GRACE_MS,
    // The worker's default too (apps/worker/src/config.ts): one folder when neither is told otherwise.
    storageDir: resolve(e.JOBDECK_STORAGE_DIR ?? `${repoRoot}.data/storage`),
    exportDownloadHours: e.JOBDECK_EXPORT_DOWNLOAD_HOURS,
    /** Null: /metrics is on the API's port, behind a token (see metrics/http.ts). */
    metricsPort: e.JOBDECK_METRICS_PORT ?? null,
    metricsHost: e.JOBDECK_METRICS_HOST,
    temporalUiUrl: e.TEMPORAL_UI_URL.replace(/\/$/, ''),
    host: e.API_HOST,
    port: e.API_PORT,
    corsOrigins: e.JOBDECK_CORS_ORIGINS.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    adminEmail: e.JOBDECK_ADMIN_EMAIL,
    adminPassword: e.JOBDECK_ADMIN_PASSWORD ?? null,
    sessionHours: e.JOBDECK_SESSION_HOURS,
    loginFreeAttempts: e.JOBDECK_LOGIN_FREE_ATTEMPTS,
    trustedProxies,
    codecCorsOrigins: e.JOBDECK_CODEC_CORS_ORIGINS.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
  };
}
