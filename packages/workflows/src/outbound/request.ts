import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { guardConnectedAddress, systemConnector, type Connector } from './connect';
import { OutboundRefusedError, OutboundTimeoutError } from './errors';
import { policyLookup, systemResolver, type Resolver } from './lookup';
import { refusalError, type OutboundPolicy } from './policy';

export interface OutboundRequest {
  url: string | URL;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** For the whole exchange: every redirect hop and reading the body. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Redirects to follow, each one checked by the policy like the first request. 0: none are followed. */
  maxRedirects?: number;
  /** Bytes of the body kept; reading stops there and `truncated` says so. */
  maxBodyBytes?: number;
}

export interface OutboundResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: string;
  truncated: boolean;
  /** The URL that answered (after redirects) and the address it was reached at. */
  url: string;
  address: string | null;
  redirects: number;
}

export interface OutboundClient {
  readonly policy: OutboundPolicy;
  /** One HTTP exchange under the policy; throws OutboundRefusedError before anything is sent to a refused address. */
  request(request: OutboundRequest): Promise<OutboundResponse>;
}

export interface OutboundClientOptions {
  policy: OutboundPolicy;
  resolver?: Resolver;
  connector?: Connector;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
// Headers that carry the caller's identity to the first host only, as browsers and fetch do.
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

interface Hop {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  maxBodyBytes: number;
  signal: AbortSignal;
}

function exchange(options: Required<OutboundClientOptions>, hop: Hop): Promise<Omit<OutboundResponse, 'redirects'>> {
  const { policy, resolver, connector } = options;
  const { url } = hop;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return Promise.reject(new OutboundRefusedError(url.protocol, 'protocol', 'only http and https are allowed'));
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // Node connects to an IP literal without calling `lookup`, so it is decided here.
  if (isIP(host)) {
    const decision = policy.decide(host, host);
    if (!decision.allowed) return Promise.reject(refusalError(host, decision));
  }
  const protocol = url.protocol;
  const port = Number(url.port) || (protocol === 'https:' ? 443 : 80);
  const lookup = policyLookup(policy, resolver);

  return new Promise((resolve, reject) => {
    let settled = false;
    let address: string | null = null;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      hop.signal.removeEventListener('abort', onAbort);
      outcome();
    };
    const fail = (error: Error) =>
      settle(() => {
        request.destroy();
        reject(error);
      });
    const onAbort = () => fail(hop.signal.reason as Error);

    const request = (protocol === 'https:' ? https : http).request({
      protocol,
      hostname: host,
      port,
      path: `${url.pathname}${url.search}`,
      method: hop.method,
      headers: hop.headers,
      createConnection: () => {
        const socket = connector({ protocol, host, port, lookup });
        guardConnectedAddress(socket, host, policy);
        socket.once('connect', () => (address = socket.remoteAddress ?? null));
        address ??= socket.connecting ? null : (socket.remoteAddress ?? null);
        return socket;
      },
    });
    request.on('error', fail);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      const finish = () =>
        settle(() => {
          // A body cut at the cap may end inside a character: the streaming decoder drops the partial one.
          const body = new TextDecoder().decode(Buffer.concat(chunks), { stream: truncated });
          resolve({
            status: response.statusCode ?? 0,
            statusText: response.statusMessage ?? '',
            headers: response.headers,
            body,
            truncated,
            url: url.href,
            address,
          });
          if (truncated) request.destroy();
        });
      response.on('data', (chunk: Buffer) => {
        if (settled) return;
        const room = hop.maxBodyBytes - size;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          size += room;
          truncated = true;
          finish();
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      response.on('end', finish);
      response.on('error', fail);
    });
    if (hop.signal.aborted) {
      onAbort();
      return;
    }
    hop.signal.addEventListener('abort', onAbort, { once: true });
    request.end(hop.body);
  });
}

/** The next hop of a redirect, with the method and headers a browser would use for it. */
function redirectHop(previous: Hop, status: number, location: string): Hop {
  const url = new URL(location, previous.url);
  const toGet = status === 303 || ((status === 301 || status === 302) && previous.method === 'POST');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(previous.headers)) {
    const lower = name.toLowerCase();
    if (url.origin !== previous.url.origin && CREDENTIAL_HEADERS.has(lower)) continue;
    if (toGet && (lower === 'content-type' || lower === 'content-length')) continue;
    headers[name] = value;
  }
  return {
    ...previous,
    url,
    headers,
    method: toGet ? 'GET' : previous.method,
    body: toGet ? undefined : previous.body,
  };
}

/** The one HTTP client for every request Jobdeck makes to the outside: webhooks, and later alert channels. */
export function createOutboundClient(options: OutboundClientOptions): OutboundClient {
  const resolved: Required<OutboundClientOptions> = {
    policy: options.policy,
    resolver: options.resolver ?? systemResolver,
    connector: options.connector ?? systemConnector,
  };
  return {
    policy: options.policy,
    async request(request) {
      const timeoutMs = request.timeoutMs ?? 10_000;
      const maxRedirects = request.maxRedirects ?? 0;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new OutboundTimeoutError(timeoutMs)), timeoutMs);
      const onCallerAbort = () => controller.abort(request.signal?.reason ?? new Error('aborted'));
      if (request.signal?.aborted) onCallerAbort();
      else request.signal?.addEventListener('abort', onCallerAbort, { once: true });
      try {
        let hop: Hop = {
          url: new URL(request.url),
          method: (request.method ?? 'GET').toUpperCase(),
          headers: { ...request.headers },
          body: request.body,
          maxBodyBytes: request.maxBodyBytes ?? 64 * 1024,
          signal: controller.signal,
        };
        for (let redirects = 0; ; redirects++) {
          const response = await exchange(resolved, hop);
          const location = response.headers.location;
          if (!REDIRECTS.has(response.status) || !location || redirects >= maxRedirects)
            return { ...response, redirects };
          hop = redirectHop(hop, response.status, location);
        }
      } finally {
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onCallerAbort);
      }
    },
  };
}
