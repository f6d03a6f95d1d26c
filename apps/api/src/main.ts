import { ensureAdmin } from './auth/admin';
import { ENVIRONMENT_VARIABLES, loadApiConfig } from './config';
import { createMetricsServer } from './metrics';
import { createApiServer, listen } from './server';
import { drainServer } from './shutdown';
import { ensureMaintenanceSchedules } from './schedules/maintenance';
import { createServices } from './services';
import { startTracing } from '@jobdeck/workflows/telemetry';

if (process.argv.includes('--help')) {
  console.log(
    `npm start -w apps/api   the API: tRPC over HTTP under /trpc, /healthz, and the Temporal UI codec under /codec.\n\nIt reads (see "Environment variables" in the README): ${ENVIRONMENT_VARIABLES.join(', ')}`,
  );
  process.exit(0);
}

const config = loadApiConfig();
// Before the services: their Temporal client traces only if tracing is on when it is made.
const tracing = await startTracing(config.tracing);
const services = await createServices(config);
const admin = await ensureAdmin(services.db, config.adminEmail, config.adminPassword);
if (admin.password)
  console.log(`created admin ${admin.email} with password ${admin.password} (set JOBDECK_ADMIN_PASSWORD to choose it)`);
else if (admin.created) console.log(`created admin ${admin.email} with the password of JOBDECK_ADMIN_PASSWORD`);

// Built-in maintenance schedules: created when missing, left alone when present (user edits survive).
await ensureMaintenanceSchedules(services).then(
  (results) => {
    const created = results.filter((result) => result.created).map((result) => result.id);
    if (created.length) console.log(`created maintenance schedules ${created.join(', ')}`);
  },
  (error: Error) => console.warn(`maintenance schedules not ensured (will be at next start): ${error.message}`),
);

const server = createApiServer(services);
const port = await listen(server, config.port, config.host);
console.log(`api listening on http://${config.host}:${port}/trpc (health: /healthz)`);
// Prometheus: on an address of its own when JOBDECK_METRICS_PORT is set, else /metrics on this port behind a token.
const metricsServer = config.metricsPort === null ? null : createMetricsServer(services);
if (metricsServer) {
  const metricsPort = await listen(metricsServer, config.metricsPort!, config.metricsHost);
  console.log(`metrics on http://${config.metricsHost}:${metricsPort}/metrics`);
} else console.log(`metrics on http://${config.host}:${port}/metrics (Authorization: Bearer <viewer token>)`);

let stopping = false;
async function shutdown(signal: string) {
  // A second signal means "now": the operator has stopped waiting.
  if (stopping) process.exit(1);
  stopping = true;
  console.log(`api: ${signal}, finishing requests in flight (at most ${config.shutdownGraceMs} ms)`);
  const drained = await drainServer(server, config.shutdownGraceMs);
  console.log(
    `api: ${drained.finished} requests finished, ${drained.cut} cut after the grace period, ${drained.streams} live streams ended, ${drained.closed} connections closed by the API; closing`,
  );
  metricsServer?.close();
  await services.close();
  await tracing?.shutdown();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
