// GET /metrics in Prometheus' text format, one of two ways: on the API's port behind a Jobdeck token
// (viewer or above; Prometheus sends it with `authorization: { credentials: … }`), or, when
// JOBDECK_METRICS_PORT is set, on an address of its own without a token, for a network only the
// scraper reaches. Then the API port answers 404, so that nothing comes to rely on both.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { hasRole, redactText } from '@jobdeck/workflows';
import { bearerToken } from '../auth/tokens';
import { errorReference } from '../errors';
import type { Services } from '../services';
import { refreshGauges } from './collect';
import { apiMetrics } from './registry';

function answer(res: ServerResponse, status: number, body: string, contentType = 'application/json'): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' }).end(body);
}

const refusal = (message: string) => JSON.stringify({ error: message });

async function render(services: Services, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    answer(res, 405, refusal('/metrics is read with GET'));
    return;
  }
  const metrics = apiMetrics(services);
  await refreshGauges(services, metrics);
  const text = await metrics.registry.metrics();
  answer(res, 200, req.method === 'HEAD' ? '' : text, metrics.registry.contentType);
}

/** The caller's token, as tRPC reads it (a header only: a token in a scrape URL ends up in logs). */
async function refusedCaller(services: Services, req: IncomingMessage): Promise<[number, string] | null> {
  const token = bearerToken(req.headers.authorization);
  if (!token) return [401, 'send Authorization: Bearer <token> (a Jobdeck API token, viewer role or above)'];
  const principal = await services.tokens.authenticate(token).catch((error: unknown) => {
    services.outages.note(error);
    return undefined;
  });
  if (principal === undefined) return [503, 'cannot check credentials right now; try again shortly'];
  if (!principal) return [401, 'the token is unknown, expired or revoked'];
  if (!hasRole(principal.role, 'viewer')) return [403, `requires the viewer role; you are ${principal.role}`];
  return null;
}

/** Answers /metrics on the API's port and returns true; false for any other path. */
export async function serveMetrics(services: Services, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== '/metrics') return false;
  if (services.config.metricsPort !== null) {
    answer(res, 404, refusal('no route /metrics here: metrics are served on JOBDECK_METRICS_PORT'));
    return true;
  }
  const refused = await refusedCaller(services, req);
  if (refused) answer(res, refused[0], refusal(refused[1]));
  else await render(services, req, res);
  return true;
}

/** The metrics' own address (JOBDECK_METRICS_HOST:JOBDECK_METRICS_PORT): /metrics only, no token. */
export function createMetricsServer(services: Services): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      answer(res, 404, refusal(`no route ${path}; metrics are at /metrics`));
      return;
    }
    render(services, req, res).catch((error: Error) => {
      const reference = errorReference(error);
      console.error(`metrics (reference ${reference}): ${redactText(String(error.stack ?? error.message))}`);
      if (!res.headersSent) answer(res, 500, refusal(`internal error (reference ${reference})`));
      else res.destroy();
    });
  });
}
