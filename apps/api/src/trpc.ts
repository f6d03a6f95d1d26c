import { initTRPC, TRPCError } from '@trpc/server';
import type { CreateHTTPContextOptions } from '@trpc/server/adapters/standalone';
import type { Role } from '@jobdeck/db';
import { z, ZodError } from 'zod';
import { redactSecrets } from '@jobdeck/workflows';
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

/** What a mutation acted on, for the audit trail: a job, a queue, a user, a schedule, or a count. */
export function auditTarget(input: unknown): string | null {
  if (!input || typeof input !== 'object') return null;
  const fields = input as Record<string, unknown>;
  for (const key of ['id', 'queue', 'scheduleId', 'email', 'name']) {
    if (typeof fields[key] === 'string') return fields[key] as string;
  }
  if (Array.isArray(fields.ids)) return `${fields.ids.length} jobs`;
  if (fields.filter && typeof fields.filter === 'object') return `filter ${JSON.stringify(fields.filter)}`;
  return null;
}

/** The same words the caller read: validation errors field by field, not zod's raw JSON. */
function describeError(error: { message: string; cause?: unknown }): string {
  return error.cause instanceof ZodError
    ? error.cause.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; ')
    : error.message;
}

/**
 * Every mutation leaves a row, whoever asked and however it ended (refusals too): who, role, action,
 * target, parameters with secrets redacted, outcome, time, source address. Queries are not audited.
 */
const audited = t.middleware(async ({ ctx, type, path, getRawInput, next }) => {
  const result = await next();
  if (type !== 'mutation') return result;
  // A caller without a valid token changed nothing; recording each such knock would let anyone fill the table.
  if (!result.ok && result.error.code === 'UNAUTHORIZED' && path !== 'auth.login') return result;
  const input = await getRawInput().catch(() => undefined);
  const params = input === undefined ? undefined : (redactSecrets(input) as object);
  await ctx.services.db.auditLog
    .create({
      data: {
        actor: ctx.principal?.name ?? (path === 'auth.login' && typeof (input as { email?: unknown })?.email === 'string' ? String((input as { email: string }).email) : 'anonymous'),
        role: ctx.principal?.role ?? null,
        action: path,
        // What was acted on, or for a creation (an enqueue, a retry) what was made.
        target: (auditTarget(input) ?? (result.ok ? auditTarget(result.data) : null))?.slice(0, 300) ?? null,
        params: params ?? undefined,
        outcome: result.ok ? 'ok' : result.error.code,
        error: result.ok ? null : describeError(result.error).slice(0, 2000),
        ip: ctx.ip,
      },
    })
    .catch((error: Error) => console.error(`audit: could not record ${path}: ${error.message}`));
  return result;
});

/** The only procedures that answer without a token: logging in. */
export const publicProcedure = t.procedure.use(audited);

function requireRole(minimum: Role) {
  return t.middleware(({ ctx, next }) => {
    if (!ctx.principal) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'sign in or send Authorization: Bearer <token>' });
    if (ROLE_RANK[ctx.principal.role] < ROLE_RANK[minimum]) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `requires the ${minimum} role; you are ${ctx.principal.role}` });
    }
    return next({ ctx: { ...ctx, principal: ctx.principal } });
  });
}

export const viewerProcedure = t.procedure.use(audited).use(requireRole('viewer'));
export const operatorProcedure = t.procedure.use(audited).use(requireRole('operator'));
export const adminProcedure = t.procedure.use(audited).use(requireRole('admin'));
