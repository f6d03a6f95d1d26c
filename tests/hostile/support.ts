// What the hostile suites share: a private API instance with its own settings, and raw HTTP with a
// chosen loopback source address (127.0.0.x), which is how one machine plays many clients.
import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { createApiServer, createServices, listen, loadApiConfig, type Services } from '@jobdeck/api';
import { jsonOrNull } from '../support/json';

export interface ApiInstance {
  url: string;
  services: Services;
  server: Server;
  close(): Promise<void>;
}

/** An API in this process, on the stack's Temporal and database, with its own Redis prefix and settings. */
export async function apiInstance(env: Record<string, string> = {}): Promise<ApiInstance> {
  const services = await createServices(
    loadApiConfig({
      ...process.env,
      API_PORT: '0',
      JOBDECK_REDIS_PREFIX: `${process.env.JOBDECK_REDIS_PREFIX ?? 'jobdeck:'}hostile-${randomBytes(3).toString('hex')}:`,
      ...env,
    }),
  );
  const server = createApiServer(services);
  const port = await listen(server, 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    services,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await services.close();
    },
  };
}

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: any;
  ms: number;
}

/** One HTTP request, from a chosen loopback source address when given. */
export function raw(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; localAddress?: string } = {},
): Promise<RawAnswer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
        headers: options.headers,
        localAddress: options.localAddress,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: jsonOrNull(text),
            ms: performance.now() - started,
          });
        });
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}

/** A tRPC call over plain HTTP: POST for mutations, GET with ?input= for queries. */
export function call(
  baseUrl: string,
  procedure: string,
  options: {
    token?: string;
    input?: unknown;
    query?: boolean;
    localAddress?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<RawAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.query) {
    const query = options.input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(options.input))}`;
    return raw(`${baseUrl}/trpc/${procedure}${query}`, { headers, localAddress: options.localAddress });
  }
  return raw(`${baseUrl}/trpc/${procedure}`, {
    headers,
    body: JSON.stringify(options.input ?? null),
    localAddress: options.localAddress,
  });
}

export interface OpenStream {
  status: number;
  /** Everything received so far. */
  text(): string;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** A live-events stream as any SSE client opens it: GET with the token in a header. */
export function openStream(baseUrl: string, token: string | null, input: unknown = {}): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    let received = '';
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (token) headers.authorization = `Bearer ${token}`;
    const req = httpRequest(
      `${baseUrl}/trpc/events.subscribe?input=${encodeURIComponent(JSON.stringify(input))}`,
      { headers },
      (res) => {
        res.setEncoding('utf8');
        let end!: () => void;
        const ended = new Promise<void>((done) => (end = done));
        res.on('data', (chunk) => (received += chunk));
        res.on('end', end);
        res.on('close', end);
        resolve({ status: res.statusCode ?? 0, text: () => received, ended, close: () => req.destroy() });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Resolves with the time it took, or rejects past the limit. */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<number> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise,
    new Promise(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms)),
    ),
  ]);
  clearTimeout(timer);
  return performance.now() - started;
}
