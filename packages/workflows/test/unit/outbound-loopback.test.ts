// End to end through real sockets, on loopback only: the allow-list opens 127.0.0.1 (as in dev
// and tests) and every other spelling of this machine must stay closed, with servers listening
// there to prove that nothing reached them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOutboundClient,
  createOutboundPolicy,
  OutboundRefusedError,
  OutboundTimeoutError,
} from '../../src/outbound';

interface Listening {
  server: Server;
  port: number;
  connections: number;
  requests: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }>;
}

async function listen(
  host: string,
  handle: (req: IncomingMessage, res: ServerResponse, body: string) => void = (_req, res) => res.end('ok'),
): Promise<Listening> {
  const listening = { connections: 0, requests: [] } as unknown as Listening;
  listening.server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      listening.requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      handle(req, res, body);
    });
  });
  listening.server.on('connection', () => listening.connections++);
  await new Promise<void>((resolve) => listening.server.listen(0, host, resolve));
  listening.port = (listening.server.address() as AddressInfo).port;
  return listening;
}

let allowed: Listening;
let otherOrigin: Listening;
let trapOnAllowedAddress: Listening;
let refused: Listening;
const client = createOutboundClient({ policy: createOutboundPolicy('127.0.0.1') });

beforeAll(async () => {
  refused = await listen('127.0.0.2');
  // Connecting to 0.0.0.0 reaches this machine's 127.0.0.1: a server there shows whether it got through.
  trapOnAllowedAddress = await listen('127.0.0.1');
  otherOrigin = await listen('127.0.0.1', (req, res) =>
    res.end(JSON.stringify({ authorization: req.headers.authorization ?? null })),
  );
  allowed = await listen('127.0.0.1', (req, res, body) => {
    const redirect = (status: number, location: string) => res.writeHead(status, { location }).end();
    if (req.url === '/echo') res.end(JSON.stringify({ method: req.method, body }));
    else if (req.url === '/to-refused') redirect(302, `http://127.0.0.2:${refused.port}/`);
    else if (req.url === '/to-refused-numeric') redirect(307, `http://2130706434:${refused.port}/`);
    else if (req.url === '/to-echo') redirect(303, '/echo');
    else if (req.url === '/to-other-origin') redirect(307, `http://127.0.0.1:${otherOrigin.port}/`);
    else if (req.url === '/big') res.end('x'.repeat(100_000));
    else if (req.url === '/hang') req.socket.setTimeout(0);
    else res.end('ok');
  });
});

afterAll(async () => {
  for (const listening of [allowed, otherOrigin, trapOnAllowedAddress, refused]) {
    listening.server.closeAllConnections();
    await new Promise((resolve) => listening.server.close(resolve));
  }
});

describe('outbound requests over loopback with JOBDECK_OUTBOUND_ALLOW=127.0.0.1', () => {
  it('reach a server on 127.0.0.1', async () => {
    const response = await client.request({
      url: `http://127.0.0.1:${allowed.port}/echo`,
      method: 'POST',
      body: '{"n":1}',
    });
    expect(response).toMatchObject({
      status: 200,
      statusText: 'OK',
      truncated: false,
      address: '127.0.0.1',
      redirects: 0,
    });
    expect(JSON.parse(response.body)).toEqual({ method: 'POST', body: '{"n":1}' });
  });

  it.each([
    ['127.0.0.2', () => `http://127.0.0.2:${refused.port}/`, () => refused, 'loopback'],
    ['[::ffff:127.0.0.2]', () => `http://[::ffff:127.0.0.2]:${refused.port}/`, () => refused, 'loopback'],
    ['2130706434 (127.0.0.2)', () => `http://2130706434:${refused.port}/`, () => refused, 'loopback'],
    ['0.0.0.0', () => `http://0.0.0.0:${trapOnAllowedAddress.port}/`, () => trapOnAllowedAddress, 'unspecified'],
  ])('refuse %s, and the server there sees no connection', async (_name, url, target, rule) => {
    const error = await client.request({ url: url(), method: 'POST', body: 'x' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OutboundRefusedError);
    expect((error as OutboundRefusedError).rule).toBe(rule);
    expect((error as Error).message).toMatch(/\(allow it with JOBDECK_OUTBOUND_ALLOW\)$/);
    expect(target().connections).toBe(0);
  });

  it.each(['/to-refused', '/to-refused-numeric'])(
    'refuse a redirect from 127.0.0.1 to 127.0.0.2 (%s) without requesting it',
    async (path) => {
      const error = await client
        .request({ url: `http://127.0.0.1:${allowed.port}${path}`, maxRedirects: 5 })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OutboundRefusedError);
      expect((error as Error).message).toMatch(/^outbound policy refused 127\.0\.0\.2: loopback address/);
      expect(refused.connections).toBe(0);
    },
  );

  it('do not follow redirects unless asked to', async () => {
    const response = await client.request({ url: `http://127.0.0.1:${allowed.port}/to-refused` });
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe(`http://127.0.0.2:${refused.port}/`);
    expect(refused.connections).toBe(0);
  });

  it('follow an allowed redirect as a browser would: 303 turns a POST into a GET', async () => {
    const response = await client.request({
      url: `http://127.0.0.1:${allowed.port}/to-echo`,
      method: 'POST',
      body: 'payload',
      maxRedirects: 1,
    });
    expect(response).toMatchObject({ status: 200, redirects: 1, url: `http://127.0.0.1:${allowed.port}/echo` });
    expect(JSON.parse(response.body)).toEqual({ method: 'GET', body: '' });
  });

  it('do not carry credentials to another origin on a redirect', async () => {
    const response = await client.request({
      url: `http://127.0.0.1:${allowed.port}/to-other-origin`,
      headers: { Authorization: 'Bearer first-origin-only' },
      maxRedirects: 1,
    });
    expect(JSON.parse(response.body)).toEqual({ authorization: null });
    expect(allowed.requests.at(-1)!.headers.authorization).toBe('Bearer first-origin-only');
  });

  it('keep at most maxBodyBytes of a body and say it was truncated', async () => {
    const response = await client.request({ url: `http://127.0.0.1:${allowed.port}/big`, maxBodyBytes: 1000 });
    expect(response.body).toBe('x'.repeat(1000));
    expect(response.truncated).toBe(true);
    const whole = await client.request({ url: `http://127.0.0.1:${allowed.port}/big`, maxBodyBytes: 100_000 });
    expect(whole.body).toHaveLength(100_000);
    expect(whole.truncated).toBe(false);
  });

  it('give up after timeoutMs, and when the caller aborts', async () => {
    const timedOut = await client
      .request({ url: `http://127.0.0.1:${allowed.port}/hang`, timeoutMs: 200 })
      .catch((caught: unknown) => caught);
    expect(timedOut).toBeInstanceOf(OutboundTimeoutError);
    expect((timedOut as Error).message).toBe('timed out after 200 ms');

    const controller = new AbortController();
    const pending = client.request({
      url: `http://127.0.0.1:${allowed.port}/hang`,
      signal: controller.signal,
      timeoutMs: 10_000,
    });
    controller.abort(new Error('job cancelled'));
    await expect(pending).rejects.toThrow('job cancelled');
  });
});

/** A throwaway self-signed certificate for 127.0.0.1, made with the openssl CLI; null without it. */
function selfSignedCertificate(): { key: Buffer; cert: Buffer } | null {
  const dir = mkdtempSync(join(tmpdir(), 'outbound-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-days',
        '1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const certificate = selfSignedCertificate();

describe.skipIf(!certificate)('outbound https over loopback', () => {
  it('speaks TLS and verifies the certificate: a self-signed one is refused before the request is sent', async () => {
    const requests: string[] = [];
    const server = createTlsServer(certificate!, (req, res) => {
      requests.push(req.url!);
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const error = await client
        .request({ url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/` })
        .catch((caught: unknown) => caught);
      expect((error as NodeJS.ErrnoException).code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
      expect(requests).toEqual([]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
