// Temporal's codec server protocol, so that the Temporal Web UI and the `temporal` CLI show job
// payloads decrypted, to operators and admins only. Protocol: POST <endpoint>/decode or /encode with
// `{"payloads":[{"metadata":{k: base64}, "data": base64}]}`, answered in the same shape; the endpoint
// may carry the namespace (`/codec/{namespace}`, the CLI's templating) or send it as X-Namespace.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { METADATA_ENCODING_KEY, str, u8, type Payload } from '@temporalio/common';
import { z } from 'zod';
import { hasRole, redactSecrets } from '@jobdeck/workflows';
import { EncryptionCodec } from '@jobdeck/workflows/codec';
import { sessionCookieToken } from './auth/session-cookie';
import { bearerToken } from './auth/tokens';
import type { Services } from './services';

// A Temporal payload is at most 2 MiB; base64 and JSON around it stay well under this.
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const ROUTE = /^\/codec(?:\/([^/]+))?\/(decode|encode)$/;
const NAMESPACE = /^[A-Za-z0-9._-]{1,255}$/;
const ALLOWED_HEADERS = 'Content-Type, X-Namespace, Authorization';

// Standard or URL-safe alphabet: protobuf's JSON form accepts both.
const base64 = z
  .string()
  .max(MAX_BODY_BYTES)
  .regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'not base64');
const codecRequest = z.object({
  payloads: z
    .array(
      z.looseObject({
        metadata: z.record(z.string().min(1).max(256), base64).nullish(),
        data: base64.nullish(),
      }),
    )
    .max(1000),
});

class CodecRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res
    .writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers })
    .end(JSON.stringify(body));
}

/** Credentials (Access-Control-Allow-Credentials) only for the configured Temporal UI origins. */
function allowOrigin(req: IncomingMessage, res: ServerResponse, origins: string[]): boolean {
  res.setHeader('Vary', 'Origin');
  const origin = req.headers.origin;
  if (!origin || !origins.includes(origin)) return false;
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  return true;
}

/** The Authorization header (the CLI's --codec-auth) wins over the session cookie (the browser). */
async function requireOperator(services: Services, req: IncomingMessage): Promise<void> {
  const token = bearerToken(req.headers.authorization) ?? sessionCookieToken(req.headers.cookie);
  const unauthenticated = { 'WWW-Authenticate': 'Bearer realm="jobdeck-codec"' };
  if (!token)
    throw new CodecRefusal(
      401,
      'sign in: send Authorization: Bearer <token>, or the jobdeck_session cookie that signing in to the dashboard sets',
      unauthenticated,
    );
  const principal = await services.tokens.authenticate(token).catch(() => {
    throw new CodecRefusal(503, 'cannot check credentials right now; try again');
  });
  if (!principal) throw new CodecRefusal(401, 'the token is unknown, expired or revoked', unauthenticated);
  if (!hasRole(principal.role, 'operator'))
    throw new CodecRefusal(403, `decoding job payloads needs the operator role; you are ${principal.role}`);
}

/** Reads at most `limit` bytes; past it the rest is drained unread and null returned. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size > limit) return;
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        resolve(null);
      } else chunks.push(chunk);
    });
    req.on('end', () => size <= limit && resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function parsePayloads(req: IncomingMessage): Promise<Payload[]> {
  const declared = Number(req.headers['content-length'] ?? 0);
  const body = declared > MAX_BODY_BYTES ? null : await readBody(req, MAX_BODY_BYTES);
  if (!body) throw new CodecRefusal(413, `the body is larger than ${MAX_BODY_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new CodecRefusal(400, 'the body is not JSON; expected {"payloads":[{"metadata":{…},"data":"<base64>"}]}');
  }
  const parsed = codecRequest.safeParse(json);
  if (!parsed.success) {
    throw new CodecRefusal(
      400,
      `invalid payloads: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ')}`,
    );
  }
  return parsed.data.payloads.map((payload) => ({
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
    ),
    data: Buffer.from(payload.data ?? '', 'base64'),
  }));
}

function payloadJson(payload: Payload) {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value ?? []).toString('base64')]),
    ),
    data: Buffer.from(payload.data ?? []).toString('base64'),
  };
}

/** JSON payloads pass through the same redaction as every other answer of the API. */
function redactPayload(payload: Payload): Payload {
  const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
  if (!encoding || !str(encoding).startsWith('json/')) return payload;
  let value: unknown;
  try {
    value = JSON.parse(str(payload.data ?? new Uint8Array()));
  } catch {
    // Claims JSON but is not: nothing can tell its secrets apart, so none of it is shown.
    value = '[redacted: not valid JSON]';
  }
  return { metadata: payload.metadata, data: u8(JSON.stringify(redactSecrets(value))) };
}

async function decodeAll(codec: EncryptionCodec, payloads: Payload[]): Promise<Payload[]> {
  const decoded: Payload[] = [];
  for (const [index, payload] of payloads.entries()) {
    try {
      decoded.push(...(await codec.decode([payload])));
    } catch (error) {
      throw new CodecRefusal(400, `payloads.${index}: ${(error as Error).message}`);
    }
  }
  return decoded.map(redactPayload);
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  services: Services,
  route: RegExpExecArray,
): Promise<void> {
  const [, pathNamespace, operation] = route;
  if (req.method !== 'POST') throw new CodecRefusal(405, 'use POST', { Allow: 'POST, OPTIONS' });
  await requireOperator(services, req);
  const contentType = req.headers['content-type'] ?? '';
  // JSON only: a browser cannot send it cross-origin without a preflight, which CORS then governs.
  if (!/^application\/json\s*(;|$)/i.test(contentType))
    throw new CodecRefusal(415, 'send Content-Type: application/json');
  const namespace = pathNamespace ?? req.headers['x-namespace'];
  if (namespace !== undefined && (typeof namespace !== 'string' || !NAMESPACE.test(namespace)))
    throw new CodecRefusal(400, 'invalid namespace');
  const payloads = await parsePayloads(req);
  const codec = new EncryptionCodec(services.config.encryptionKeys);
  const result = operation === 'decode' ? await decodeAll(codec, payloads) : await codec.encode(payloads);
  answer(res, 200, { payloads: result.map(payloadJson) });
}

/**
 * Serves `/codec/…`; answers false for any other path, which the caller then routes. Sets its own
 * CORS: credentials are allowed, for the Temporal UI's origins only (JOBDECK_CODEC_CORS_ORIGINS).
 */
export function serveCodec(req: IncomingMessage, res: ServerResponse, services: Services): boolean {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (path !== '/codec' && !path.startsWith('/codec/')) return false;
  const allowed = allowOrigin(req, res, services.config.codecCorsOrigins);
  const route = ROUTE.exec(path);
  if (!route) {
    answer(res, 404, { error: `no route ${path}; the codec endpoint is /codec (POST /codec/decode, /codec/encode)` });
    return true;
  }
  if (req.method === 'OPTIONS') {
    if (!allowed) {
      answer(res, 403, {
        error: `origin ${req.headers.origin ?? '(none)'} may not call the codec endpoint; see JOBDECK_CODEC_CORS_ORIGINS`,
      });
      return true;
    }
    res.writeHead(204, {
      'Access-Control-Allow-Methods': 'POST, OPTIONS',
      'Access-Control-Allow-Headers': ALLOWED_HEADERS,
      'Access-Control-Max-Age': '600',
    });
    res.end();
    return true;
  }
  serve(req, res, services, route).catch((error: unknown) => {
    if (error instanceof CodecRefusal) return answer(res, error.status, { error: error.message }, error.headers);
    console.error(`codec ${path}: ${(error as Error).message}`);
    answer(res, 500, { error: 'the codec failed; see the API log' });
  });
  return true;
}
