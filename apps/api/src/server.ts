import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { appRouter } from './router';
import type { Services } from './services';
import { systemHealth } from './system/service';
import { contextFactory } from './trpc';
import { serveCodec } from './codec-server';
import { gate, MAX_BATCH_CALLS } from './http-gate';
import { errorReference } from './errors';
import { trackResponses } from './shutdown';
import { redactText } from '@jobdeck/workflows';
import { serveExports } from './exports/http';
import { countUnroutedCall, serveMetrics } from './metrics';

const MAX_BODY_BYTES = 1024 * 1024;

/** Every answer is per user and never a page to frame: no caching, no sniffing, no framing, no referrer. */
const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-site',
  'Cache-Control': 'no-store',
};

function cors(req: IncomingMessage, res: ServerResponse, allowed: string[]): void {
  const origin = req.headers.origin;
  if (origin && allowed.includes(origin)) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Allow-Headers', 'authorization, content-type, trpc-accept, x-trpc-source');
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader('Access-Control-Max-Age', '600');
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `/trpc/*` for the API, `/healthz` for load balancers and orchestrators. */
export function createApiServer(services: Services): Server {
  const trpc = createHTTPHandler({
    router: appRouter,
    createContext: contextFactory(services),
    basePath: '/trpc/',
    maxBodySize: MAX_BODY_BYTES,
    maxBatchSize: MAX_BATCH_CALLS,
    onError({ error, path }) {
      // A path no procedure has never reaches the timing middleware: counted here, under one label value.
      if (error.code === 'NOT_FOUND' && !(path && path in appRouter._def.procedures)) countUnroutedCall(services);
      // Client errors are the caller's to read; only our own failures belong in the server log, under
      // the reference the caller was given, with secrets taken out.
      if (error.code !== 'INTERNAL_SERVER_ERROR') return;
      const cause = (error.cause ?? error) as Error;
      // A dependency being away is logged once per outage, not once per request.
      if (services.outages.note(cause)) return;
      console.error(
        `tRPC ${path ?? '?'} (reference ${errorReference(error)}): ${redactText(String(cause.stack ?? cause.message))}`,
      );
    },
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    if (serveCodec(req, res, services)) return; // /codec/*: the Temporal UI's codec server, with its own CORS
    cors(req, res, services.config.corsOrigins);
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      const health = await systemHealth(services);
      const ok = health.temporal.ok && health.postgres.ok;
      res.writeHead(ok ? 200 : 503, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          status: ok ? 'ok' : 'degraded',
          temporal: health.temporal.ok,
          postgres: health.postgres.ok,
          redis: health.redis.ok,
        }),
      );
      return;
    }
    if (path?.startsWith('/exports/') && (await serveExports(services, req, res))) return; // downloads: exports/http.ts
    if (path === '/metrics' && (await serveMetrics(services, req, res))) return; // Prometheus: metrics/http.ts
    if (path?.startsWith('/trpc/')) {
      const refusal = await gate(services, req, safeDecode(path.slice('/trpc/'.length)));
      if (refusal) {
        res.writeHead(refusal.status, { 'Content-Type': 'application/json' }).end(refusal.body);
        return;
      }
      trpc(req, res);
      return;
    }
    res
      .writeHead(404, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ error: `no route ${path}; the API is under /trpc/` }));
  }

  // No request may take the process down: a failure outside tRPC is logged and answered 500.
  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      const reference = errorReference(error);
      console.error(`http ${req.method} (reference ${reference}): ${redactText(String(error.stack ?? error.message))}`);
      if (!res.headersSent)
        res
          .writeHead(500, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ error: `internal error (reference ${reference})` }));
      else res.destroy();
    });
  });
  trackResponses(server);
  return server;
}

export async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}
