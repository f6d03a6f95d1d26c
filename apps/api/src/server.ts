import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { appRouter } from './router';
import type { Services } from './services';
import { systemHealth } from './router/system';
import { contextFactory } from './trpc';

const MAX_BODY_BYTES = 1024 * 1024;

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

/** `/trpc/*` for the API, `/healthz` for load balancers and orchestrators. */
export function createApiServer(services: Services): Server {
  const trpc = createHTTPHandler({
    router: appRouter,
    createContext: contextFactory(services),
    basePath: '/trpc/',
    maxBodySize: MAX_BODY_BYTES,
    onError({ error, path }) {
      // Client errors are the caller's to read; only our own failures belong in the server log.
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`tRPC ${path ?? '?'}:`, error.cause ?? error);
    },
  });

  return createServer(async (req, res) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
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
      res.end(JSON.stringify({ status: ok ? 'ok' : 'degraded', temporal: health.temporal.ok, postgres: health.postgres.ok, redis: health.redis.ok }));
      return;
    }
    if (path?.startsWith('/trpc/')) {
      trpc(req, res);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: `no route ${path}; the API is under /trpc/` }));
  });
}

export async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}
