// Webhook receivers on any loopback address (127.0.0.2 is outside the test allow-list), counting
// connections as well as requests: a refused delivery must not even open a socket to them.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** When it arrived (ms since the epoch): tests measure backoffs between attempts with it. */
  at: number;
}

export interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Answer this much later: a slow receiver keeps deliveries in flight (the fault drills kill workers then). */
  delayMs?: number;
}

export interface LoopbackReceiver {
  /** `http://<host>:<port>/hook`: the URL the receiver knows itself by, and verifies signatures with. */
  url: string;
  port: number;
  requests: ReceivedWebhook[];
  connections: () => number;
  close: () => Promise<void>;
}

export async function loopbackReceiver(
  host: '127.0.0.1' | '127.0.0.2' | '127.0.0.3',
  answer: (attempt: number, request: ReceivedWebhook) => Answer = () => ({ status: 200 }),
): Promise<LoopbackReceiver> {
  const requests: ReceivedWebhook[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, at: Date.now() };
      requests.push(request);
      const reply = answer(requests.length, request);
      const send = () => {
        if (res.destroyed) return;
        res
          .writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers })
          .end(reply.body ?? JSON.stringify({ status: reply.status }));
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs).unref();
      else send();
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/hook`,
    port,
    requests,
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Receivers a test file starts as it goes, closed together in its afterAll. */
export function receiverPool() {
  const started: LoopbackReceiver[] = [];
  return {
    async start(...args: Parameters<typeof loopbackReceiver>): Promise<LoopbackReceiver> {
      const receiver = await loopbackReceiver(...args);
      started.push(receiver);
      return receiver;
    },
    closeAll: () => Promise.all(started.map((receiver) => receiver.close())),
  };
}
