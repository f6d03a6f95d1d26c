// `npm run dev`: installs what is missing, then runs Temporal, the worker, the API and the dashboard.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootstrap } from './lib/bootstrap.mjs';
import { log, repoRoot } from './lib/util.mjs';

if (process.argv.includes('--help')) {
  console.log(`npm run dev   installs what is missing, starts Temporal, the database, Redis, the worker, the API and
              the dashboard, and prints their addresses and the dev login. Ctrl-C stops everything.

Ports: TEMPORAL_PORT (7233), TEMPORAL_UI_PORT (8233), API_PORT (4000), WEB_PORT (5173), DEV_MAIL_PORT (1025, the mail catcher alert emails go to
without SMTP_URL).
Bring your own: DATABASE_URL, REDIS_URL, TEMPORAL_ADDRESS (used instead of starting one).
Every variable the API and the worker read: npm start -w apps/api -- --help, npm start -w apps/worker -- --help.`);
  process.exit(0);
}

const { temporalCli } = bootstrap();
// Everything below may use the installed dependencies.
const { chooseDatabase, chooseRedis } = await import('./lib/infra.mjs');
const { ensureTemporal, migrate, startApps } = await import('./lib/stack.mjs');
const { stopProcess } = await import('./lib/processes.mjs');
const { supervise } = await import('./lib/supervise.mjs');
const { startDevMail } = await import('./lib/dev-mail.mjs');

const dataDir = join(repoRoot, '.data');
mkdirSync(dataDir, { recursive: true });
const ports = {
  temporal: Number(process.env.TEMPORAL_PORT ?? 7233),
  temporalUi: Number(process.env.TEMPORAL_UI_PORT ?? 8233),
  api: Number(process.env.API_PORT ?? 4000),
  web: Number(process.env.WEB_PORT ?? 5173),
  // The worker's Prometheus metrics (9464: the port exporters commonly take); set it empty to turn them off.
  workerMetrics: process.env.JOBDECK_WORKER_METRICS_PORT ?? '9464',
  // The mail catcher alert emails go to when SMTP_URL is not set.
  mail: Number(process.env.DEV_MAIL_PORT ?? 1025),
};

const infra = [];
let apps = null;
/** Every process, supervised once the stack is up: infrastructure first, the dashboard last. */
const supervised = [];
let stopping = false;
async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  log('stopping…');
  if (supervised.length) {
    // The dashboard and API first, the worker after them (so that running activities can finish), Temporal and the databases last.
    for (const supervisor of supervised) supervisor.halt();
    for (const supervisor of [...supervised].reverse())
      await supervisor.stop((child) => stopProcess(child, supervisor.name === 'worker' ? 35_000 : 5_000));
  } else {
    await apps?.stop();
    for (const child of infra.reverse()) await stopProcess(child, 5_000);
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  const database = await chooseDatabase({ databaseName: 'jobdeck', dataDir });
  if (database.child) infra.push(database.child);
  const migrations = await migrate(database.url, { create: !database.embedded });
  if (migrations.applied.length) log(`applied migrations: ${migrations.applied.join(', ')}`);

  const redis = await chooseRedis();
  if (redis.child) infra.push(redis.child);

  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    const temporalOptions = {
      cli: temporalCli,
      port: ports.temporal,
      uiPort: ports.temporalUi,
      dbFile: join(dataDir, 'temporal.db'),
      // The Web UI asks the API to decrypt payloads, for a signed-in operator or admin (docs/SECURITY.md).
      codecEndpoint: `http://127.0.0.1:${ports.api}/codec`,
    };
    const temporal = await ensureTemporal(temporalOptions);
    if (temporal.child) {
      // Started again on the same port and SQLite file should it crash; a server another program put there meanwhile is used as is.
      temporal.child.respawn = async () =>
        (await ensureTemporal(temporalOptions)).child ?? { exited: new Promise(() => {}) };
      infra.push(temporal.child);
    }
    temporalAddress = temporal.address;
  }

  // A stable dev password, kept in the git-ignored data folder, unless you choose one.
  const passwordFile = join(dataDir, 'admin-password');
  const adminPassword =
    process.env.JOBDECK_ADMIN_PASSWORD ??
    (existsSync(passwordFile) ? readFileSync(passwordFile, 'utf8').trim() : randomBytes(9).toString('base64url'));
  if (!process.env.JOBDECK_ADMIN_PASSWORD) writeFileSync(passwordFile, adminPassword, { mode: 0o600 });
  const webhookSecretFile = join(dataDir, 'webhook-secret');
  const webhookSecret =
    process.env.JOBDECK_WEBHOOK_SECRET ??
    (existsSync(webhookSecretFile) ? readFileSync(webhookSecretFile, 'utf8').trim() : randomBytes(24).toString('hex'));
  if (!process.env.JOBDECK_WEBHOOK_SECRET) writeFileSync(webhookSecretFile, webhookSecret, { mode: 0o600 });

  // The payload codec's key: Temporal's history holds job inputs and results encrypted with it.
  const keysFile = join(dataDir, 'encryption-keys');
  const encryptionKeys =
    process.env.JOBDECK_ENCRYPTION_KEYS ??
    (existsSync(keysFile) ? readFileSync(keysFile, 'utf8').trim() : `dev1:${randomBytes(32).toString('base64')}`);
  if (!process.env.JOBDECK_ENCRYPTION_KEYS) writeFileSync(keysFile, encryptionKeys, { mode: 0o600 });

  const temporalUiUrl = process.env.TEMPORAL_UI_URL ?? `http://127.0.0.1:${ports.temporalUi}`;
  const mailDir = join(dataDir, 'mail');
  const mail = process.env.SMTP_URL
    ? null
    : await startDevMail({ port: ports.mail, dir: mailDir, log }).catch((error) => {
        log(`no mail catcher on port ${ports.mail} (${error.message}): email alerts fail until SMTP_URL is set`);
        return null;
      });
  apps = await startApps({
    apiPort: ports.api,
    webPort: ports.web,
    env: {
      DATABASE_URL: database.url,
      REDIS_URL: redis.url ?? '',
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_UI_URL: temporalUiUrl,
      JOBDECK_ADMIN_PASSWORD: adminPassword,
      JOBDECK_WEBHOOK_SECRET: webhookSecret,
      JOBDECK_ENCRYPTION_KEYS: encryptionKeys,
      // Webhooks may reach this machine's own 127.0.0.1 in development (a local receiver); every other
      // private, loopback or metadata address stays refused. Set JOBDECK_OUTBOUND_ALLOW to change it.
      JOBDECK_OUTBOUND_ALLOW: process.env.JOBDECK_OUTBOUND_ALLOW ?? '127.0.0.1',
      JOBDECK_STORAGE_DIR: process.env.JOBDECK_STORAGE_DIR ?? join(dataDir, 'storage'),
      JOBDECK_WORKER_METRICS_PORT: ports.workerMetrics,
      // Alert messages link to the dashboard's pages.
      JOBDECK_DASHBOARD_URL: process.env.JOBDECK_DASHBOARD_URL ?? `http://127.0.0.1:${ports.web}`,
      SMTP_URL: process.env.SMTP_URL ?? mail?.url ?? '',
      JOBDECK_CORS_ORIGINS:
        process.env.JOBDECK_CORS_ORIGINS ?? `http://127.0.0.1:${ports.web},http://localhost:${ports.web}`,
    },
  });

  const line = '─'.repeat(64);
  console.log(`
${line}
  Jobdeck is running
    Dashboard     ${apps.webUrl}
    API (tRPC)    ${apps.apiUrl}/trpc      health: ${apps.apiUrl}/healthz
    Metrics       API: ${apps.apiUrl}/metrics (Authorization: Bearer <viewer token>)
                  worker: ${ports.workerMetrics ? `http://127.0.0.1:${ports.workerMetrics}/metrics` : 'off (JOBDECK_WORKER_METRICS_PORT is empty)'}
    Temporal      ${temporalAddress}         Web UI: ${temporalUiUrl}
    Codec         ${apps.apiUrl}/codec  (payloads are encrypted; the Web UI decodes them for a signed-in
                  operator: tick "Include cross-origin credentials" once in its codec settings)
    Database      ${database.kind}
    Redis         ${redis.kind}
    Mail          ${mail ? `alert emails are caught by ${mail.url} and kept in ${mailDir}` : process.env.SMTP_URL ? 'alert emails go to SMTP_URL' : 'none: set SMTP_URL for email alerts'}
    Outbound      jobs may call ${process.env.JOBDECK_OUTBOUND_ALLOW ?? '127.0.0.1'} and public addresses; every other private,
                  loopback or metadata address is refused (JOBDECK_OUTBOUND_ALLOW)
  Dev login       admin@localhost / ${adminPassword}
  CLI             temporal workflow list --address ${temporalAddress} --query "JobType='data.sync'"
  Ctrl-C stops everything.
${line}
`);
  // A process that crashes is restarted (1 s, 2 s, 4 s… at most 30 s apart); Ctrl-C stops them all.
  for (const child of [...infra, ...apps.children]) {
    const name = child.name ?? 'temporal';
    const supervisor = supervise(name, child, () => child.respawn(), { log });
    supervisor.name = name;
    supervised.push(supervisor);
  }
} catch (error) {
  console.error(`\njobdeck: ${error.message}`);
  await shutdown(1);
}
