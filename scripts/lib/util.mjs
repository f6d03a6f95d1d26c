import { createServer, connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export function log(message) {
  console.log(`\x1b[36mjobdeck\x1b[0m ${message}`);
}

export async function waitFor(what, check, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      if (Date.now() > deadline || error.fatal) throw error;
      if (String(error.message).includes('exited')) throw error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

/** True when something accepts TCP connections on host:port. */
export function portOpen(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function canBind(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A free port for a Temporal dev server, whose HTTP API (port + 1000) and metrics (port + 2000,
 * see temporal.mjs) must be free too: a port picked alone left the server exiting at start when a
 * neighbour was taken by some other connection.
 */
export async function freeTemporalPort() {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    if (port + 2000 < 65536 && (await canBind(port + 1000)) && (await canBind(port + 2000))) return port;
    if (attempt >= 50) throw new Error('no free port for Temporal with its HTTP and metrics ports free beside it');
  }
}

/** Whether a process with this id still runs (EPERM: it does, as another user). */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}
