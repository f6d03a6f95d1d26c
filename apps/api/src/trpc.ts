import { initTRPC, TRPCError } from '@trpc/server';
import type { CreateHTTPContextOptions } from '@trpc/server/adapters/standalone';
import type { Role } from '@jobdeck/db';
import { z, ZodError } from 'zod';
import { authenticate, ROLE_RANK, type Principal } from './auth/tokens';
import type { Services } from './services';

export interface Context {
  services: Services;
  principal: Principal | null;
  /** Client address, for rate limits and (later) the audit trail. */
  ip: string;
  /** The bearer token itself, so that logout can revoke exactly this session. */
  token: string | null;
}

export function contextFactory(services: Services) {
  return async ({ req }: CreateHTTPContextOptions): Promise<Context> => {
    // Only ever a header, subscriptions included: a token in a URL ends up in proxy logs.
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : null;
    const principal = token ? await authenticate(services.db, services.cache, token) : null;
    // The last X-Forwarded-For entry is the one our proxy added; earlier ones are whatever the client claimed.
    const forwarded = services.config.trustProxy ? String(req.headers['x-forwarded-for'] ?? '').split(',').at(-1)?.trim() : '';
    return { services, principal, ip: forwarded || req.socket.remoteAddress || 'unknown', token };
  };
}

const t = initTRPC.context<Context>().create({
  // Validation errors answer 400 with the message of every field that is wrong, by path.
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const zodError = cause instanceof ZodError ? cause : null;
    return {
      ...shape,
      message: zodError ? zodError.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; ') : shape.message,
      data: {
        ...shape.data,
        stack: undefined,
        fieldErrors: zodError ? z.flattenError(zodError).fieldErrors : undefined,
        issues: zodError?.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message, code: issue.code })),
      },
    };
  },
  sse: { ping: { enabled: true, intervalMs: 15_000 }, client: { reconnectAfterInactivityMs: 30_000 } },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** The only procedures that answer without a token: logging in. */
export const publicProcedure = t.procedure;

function requireRole(minimum: Role) {
  return t.middleware(({ ctx, next }) => {
    if (!ctx.principal) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'sign in or send Authorization: Bearer <token>' });
    if (ROLE_RANK[ctx.principal.role] < ROLE_RANK[minimum]) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `requires the ${minimum} role; you are ${ctx.principal.role}` });
    }
    return next({ ctx: { ...ctx, principal: ctx.principal } });
  });
}

export const viewerProcedure = t.procedure.use(requireRole('viewer'));
export const operatorProcedure = t.procedure.use(requireRole('operator'));
export const adminProcedure = t.procedure.use(requireRole('admin'));
