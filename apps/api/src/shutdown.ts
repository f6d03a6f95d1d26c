import { Server as NetServer, type Socket } from 'node:net';
import type { Server, ServerResponse } from 'node:http';

interface Connection {
  /** Answers this connection has not finished. */
  busy: number;
  /** When it last became idle (or was accepted). */
  idleSince: number;
}

interface Tracked {
  connections: Map<Socket, Connection>;
  responses: Set<ServerResponse>;
  draining: boolean;
}

const tracked = new WeakMap<Server, Tracked>();

/** Remembers connections and unfinished answers, so that a shutdown can wait for them. */
export function trackResponses(server: Server): void {
  const state: Tracked = { connections: new Map(), responses: new Set(), draining: false };
  tracked.set(server, state);
  server.on('connection', (socket: Socket) => {
    state.connections.set(socket, { busy: 0, idleSince: Date.now() });
    socket.on('close', () => state.connections.delete(socket));
  });
  server.on('request', (req, res: ServerResponse) => {
    const connection = state.connections.get(req.socket);
    if (connection) connection.busy++;
    state.responses.add(res);
    // Once draining, every answer tells its client not to send another request on this connection.
    if (state.draining && !res.headersSent) res.setHeader('Connection', 'close');
    // A stream ended by the shutdown may still be written to once by its producer: not a crash.
    res.on('error', () => {});
    res.on('close', () => {
      state.responses.delete(res);
      if (connection) {
        connection.busy--;
        connection.idleSince = Date.now();
      }
    });
  });
}

function isStream(res: ServerResponse): boolean {
  return String(res.getHeader('content-type') ?? '').startsWith('text/event-stream');
}

export interface DrainResult {
  /** Requests that were in flight when the shutdown began and finished in time. */
  finished: number;
  /** Requests still unfinished after the grace period, whose connections were closed. */
  cut: number;
  /** Live streams ended (their clients reconnect, to another instance if there is one). */
  streams: number;
  /**
   * Connections the API closed itself: a second without a request, or still open at the deadline.
   * With clients that send what they connect for, none: a client that saw a reset then was never accepted.
   */
  closed: number;
}

/** How long a connection may stay without a request during a drain: its request may be on the wire. */
const IDLE_LINGER_MS = 1_000;

/**
 * A graceful stop: accept nothing new, end live streams (they never finish by themselves), let the
 * requests in flight finish, for at most `graceMs`, and only then close what is left. Cutting every
 * connection at once (closeAllConnections) lost answers to requests already carried out, and clients
 * retrying without an idempotency key enqueued twice. Idle connections are not cut at once either:
 * Node counts a connection whose request has arrived but is not parsed yet as idle, so a connection
 * is closed only after it has been without a request for a second.
 */
export async function drainServer(server: Server, graceMs: number): Promise<DrainResult> {
  const state = tracked.get(server) ?? {
    connections: new Map<Socket, Connection>(),
    responses: new Set<ServerResponse>(),
    draining: false,
  };
  state.draining = true;
  // net's close stops accepting; http's own close would also cut the "idle" connections described above.
  const listenerClosed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
  let streams = 0;
  for (const res of state.responses) {
    if (!res.headersSent) res.setHeader('Connection', 'close');
    if (isStream(res)) {
      streams++;
      res.end();
    }
  }
  const answering = () => [...state.responses].filter((res) => !isStream(res)).length;
  const inFlight = answering();
  const deadline = Date.now() + graceMs;
  let closed = 0;
  while (state.connections.size > 0 && Date.now() < deadline) {
    const now = Date.now();
    for (const [socket, connection] of state.connections) {
      if (connection.busy === 0 && now - connection.idleSince >= IDLE_LINGER_MS && !socket.destroyed) {
        closed++;
        socket.destroy();
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const cut = answering();
  closed += state.connections.size;
  server.closeAllConnections();
  for (const socket of state.connections.keys()) socket.destroy();
  await listenerClosed;
  return { finished: Math.max(0, inFlight - cut), cut, streams, closed };
}
