import type { IncomingMessage } from 'node:http';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { TRPCError } from '@trpc/server';
import { getErrorShape } from '@trpc/server/unstable-core-do-not-import';
import { appRouter } from './router';
import { bearerToken, type Principal } from './auth/tokens';
import { toDomainTRPCError } from './errors';
import type { Services } from './services';

/** More calls than the dashboard ever batches at once: a batch is not a way to multiply work. */
export const MAX_BATCH_CALLS = 25;

type InputParser = { safeParse?: (value: unknown) => { success: boolean; error?: unknown } };
type ProcedureDef = { _def: { type: string; meta?: { rateLimited?: boolean }; inputs?: InputParser[] } };
const procedures = appRouter._def.procedures as unknown as Record<string, ProcedureDef | undefined>;

/** A refusal answered before tRPC runs, in tRPC's own error shape so every client reads it alike. */
export function gateRefusal(error: TRPCError, path: string): { status: number; body: string } {
  return {
    status: getHTTPStatusCodeFromError(error),
    body: JSON.stringify({
      error: {
        message: error.message,
        code: TRPC_ERROR_CODES_BY_KEY[error.code],
        data: { code: error.code, httpStatus: getHTTPStatusCodeFromError(error), path },
      },
    }),
  };
}

/**
 * What tRPC cannot decide itself, checked on the raw request:
 * - a batch may name a rate-limited procedure (auth.login) once at most, so that one request cannot
 *   carry three hundred password guesses;
 * - a subscription is authenticated before its stream opens: tRPC would answer 200 and report the
 *   refusal inside the stream, where curl, proxies and monitors see a success.
 * Returns the refusal to answer, or null to let tRPC handle the request.
 */
export async function gate(
  services: Services,
  req: IncomingMessage,
  trpcPath: string,
): Promise<{ status: number; body: string } | null> {
  const url = new URL(req.url ?? '/', 'http://api');
  const paths = trpcPath.split(',');
  if (url.searchParams.get('batch') === '1') {
    const limited = paths.filter((path) => procedures[path]?._def.meta?.rateLimited);
    const repeated = limited.find((path, index) => limited.indexOf(path) !== index);
    if (repeated) {
      return gateRefusal(
        new TRPCError({
          code: 'BAD_REQUEST',
          message: `${repeated} may appear once in a batch; send each attempt as its own request`,
        }),
        trpcPath,
      );
    }
  }
  const subscription = paths.length === 1 && procedures[paths[0]!]?._def.type === 'subscription';
  if (subscription) {
    const token = bearerToken(req.headers.authorization);
    let principal: Principal | null = null;
    try {
      principal = token ? await services.tokens.authenticate(token) : null;
    } catch (error) {
      // Postgres away is not a bad credential: a 401 would sign the dashboard out.
      services.outages.note(error);
      const mapped = toDomainTRPCError(error);
      if (mapped?.code === 'SERVICE_UNAVAILABLE') return gateRefusal(mapped, trpcPath);
    }
    if (!principal)
      return gateRefusal(
        new TRPCError({ code: 'UNAUTHORIZED', message: 'sign in or send Authorization: Bearer <token>' }),
        trpcPath,
      );
    return refuseInvalidInput(paths[0]!, url);
  }
  return null;
}

/**
 * A subscription's input is checked before its stream opens too: a filter the stream cannot honour
 * (an unknown key, a bad job id, too many ids) is a 400 with the fields named, as for a query.
 */
function refuseInvalidInput(path: string, url: URL): { status: number; body: string } | null {
  const parser = procedures[path]?._def.inputs?.[0];
  if (!parser?.safeParse) return null;
  const text = url.searchParams.get('input');
  let input: unknown;
  try {
    input = text === null ? undefined : JSON.parse(text);
  } catch {
    return gateRefusal(new TRPCError({ code: 'PARSE_ERROR', message: 'input is not JSON' }), path);
  }
  const parsed = parser.safeParse(input);
  if (parsed.success) return null;
  const error = new TRPCError({ code: 'BAD_REQUEST', cause: parsed.error });
  const shape = getErrorShape({
    config: appRouter._def._config,
    error,
    type: 'subscription',
    path,
    input,
    ctx: undefined,
  });
  return { status: getHTTPStatusCodeFromError(error), body: JSON.stringify({ error: shape }) };
}
