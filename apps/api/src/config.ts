import { z } from 'zod';

const envSchema = z.object({
  DATABASE_URL: z.string().min(1, 'DATABASE_URL is required (npm run dev sets it for you)'),
  REDIS_URL: z.string().optional().transform((value) => value || null),
  JOBDECK_REDIS_PREFIX: z.string().default('jobdeck:'),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_UI_URL: z.string().default('http://127.0.0.1:8233'),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /** Origins allowed to call the API from a browser, comma separated; the dashboard's dev server by default. */
  JOBDECK_CORS_ORIGINS: z.string().default('http://127.0.0.1:5173,http://localhost:5173'),
  JOBDECK_ADMIN_EMAIL: z.string().regex(/^[^\s@]+@[^\s@]+$/, 'JOBDECK_ADMIN_EMAIL is not an email address').default('admin@localhost'),
  JOBDECK_ADMIN_PASSWORD: z.string().min(8, 'JOBDECK_ADMIN_PASSWORD must be at least 8 characters').optional(),
  JOBDECK_SESSION_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
  JOBDECK_LOGIN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  /** Behind a reverse proxy (nginx in docker-compose), the client address is the one the proxy adds to X-Forwarded-For. */
  JOBDECK_TRUST_PROXY: z.enum(['0', '1', 'true', 'false', '']).default('0'),
});

export type ApiConfig = ReturnType<typeof loadApiConfig>;

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`invalid configuration:\n${parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n')}`);
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.JOBDECK_REDIS_PREFIX,
    temporalAddress: e.TEMPORAL_ADDRESS,
    temporalNamespace: e.TEMPORAL_NAMESPACE,
    temporalUiUrl: e.TEMPORAL_UI_URL.replace(/\/$/, ''),
    host: e.API_HOST,
    port: e.API_PORT,
    corsOrigins: e.JOBDECK_CORS_ORIGINS.split(',').map((origin) => origin.trim()).filter(Boolean),
    adminEmail: e.JOBDECK_ADMIN_EMAIL,
    adminPassword: e.JOBDECK_ADMIN_PASSWORD ?? null,
    sessionHours: e.JOBDECK_SESSION_HOURS,
    loginAttemptsPerMinute: e.JOBDECK_LOGIN_ATTEMPTS_PER_MINUTE,
    trustProxy: e.JOBDECK_TRUST_PROXY === '1' || e.JOBDECK_TRUST_PROXY === 'true',
  };
}
