// SIGTERM to a real API process with requests in flight: they are answered, live streams end, then it exits.
import { spawn } from 'node:child_process';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { env, eventually, temporal } from '../support/harness';
import { freePort } from '../support/ports';

/** Forwards to Temporal, holding what the API sends for `delayMs`: every enqueue is slow, none fails. */
function slowProxy(target: string, delayMs: number): Promise<{ address: string; server: Server }> {
  const [host, port] = [target.split(':')[0]!, Number(target.split(':')[1])];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(port, host);
    sockets.add(client).add(upstream);
    client.on('data', (chunk) => setTimeout(() => upstream.writable && upstream.write(chunk), delayMs));
    upstream.pipe(client);
    const end = () => (client.destroy(), upstream.destroy());
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  server.on('close', () => sockets.forEach((socket) => socket.destroy()));
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ address: `127.0.0.1:${(server.address() as { port: number }).port}`, server }),
    ),
  );
}

let proxy: Server | undefined;
afterAll(() => proxy?.close());

describe('API shutdown', () => {
  it('SIGTERM answers every request in flight, ends live streams and exits 0', async () => {
    const slow = await slowProxy(env.temporalAddress, 2_500);
    proxy = slow.server;
    const port = await freePort();
    const api = spawn(process.execPath, ['--import', 'tsx', 'apps/api/src/main.ts'], {
      env: {
        ...process.env,
        API_PORT: String(port),
        TEMPORAL_ADDRESS: slow.address,
        JOBDECK_TEMPORAL_DEADLINE_MS: '15000',
        JOBDECK_SHUTDOWN_GRACE_MS: '10000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    api.stdout!.on('data', (chunk) => output.push(String(chunk)));
    api.stderr!.on('data', (chunk) => output.push(String(chunk)));
    const exited = new Promise<number | null>((resolve) => api.on('exit', (code) => resolve(code)));
    const url = `http://127.0.0.1:${port}`;
    try {
      await eventually('the API to listen', async () => output.join('').includes('api listening'), 90_000);
      const login = await fetch(`${url}/trpc/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: env.adminEmail, password: env.adminPassword }),
      });
      const token = ((await login.json()) as { result: { data: { token: string } } }).result.data.token;
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };

      const stream = await fetch(`${url}/trpc/events.subscribe`, { headers: { authorization: `Bearer ${token}` } });
      expect(stream.status).toBe(200);
      const streamEnded = (async () => {
        const reader = stream.body!.getReader();
        for (;;) if ((await reader.read()).done) return true;
      })().catch(() => false);

      const enqueues = Array.from({ length: 8 }, (_, index) =>
        fetch(`${url}/trpc/jobs.enqueue`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ type: 'data.sync', input: { source: `it.sigterm.${index}`, records: 5 } }),
        }).then(
          async (response) => ({ status: response.status, body: (await response.json()) as any }),
          (error: Error) => ({ status: 0, body: error.message }),
        ),
      );
      // All of them reached the API and wait on Temporal (each start is held 2.5 s by the proxy).
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const signalledAt = Date.now();
      api.kill('SIGTERM');
      const answers = await Promise.all(enqueues);
      expect(
        answers.filter((answer) => answer.status !== 200),
        output.join(''),
      ).toEqual([]);
      expect(await streamEnded).toBe(true);
      expect(await exited).toBe(0);
      console.log(
        `API SIGTERM: ${answers.length} requests in flight answered 200, exit ${Date.now() - signalledAt} ms after the signal`,
      );
      expect(output.join('')).toMatch(/8 requests finished, 0 cut/);
      // Each answered job really exists.
      const client = await temporal();
      for (const answer of answers)
        expect((await client.workflow.getHandle(answer.body.result.data.id).describe()).workflowId).toBe(
          answer.body.result.data.id,
        );
      // Nothing listens any more.
      expect(
        await fetch(`${url}/healthz`).then(
          () => 'answered',
          () => 'refused',
        ),
      ).toBe('refused');
    } finally {
      if (api.exitCode === null) api.kill('SIGKILL');
    }
  }, 180_000);
});
