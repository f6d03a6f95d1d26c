import { initTRPC, TRPCError } from '@trpc/server';
import type { CreateHTTPContextOptions } from '@trpc/server/adapters/standalone';
import type { Role } from '@jobdeck/db';
import { z, ZodError, ZodRealError } from 'zod';
import { findUnstorable, hasRole, redactSecrets, toStorable } from '@jobdeck/workflows';
import { bearerToken, type Principal } from './auth/tokens';
import { clientAddress } from './client-address';
import {
  auditParams,
  auditTarget,
  describeError,
  internalErrorMessage,
  toDomainTRPCError,
  withoutSource,
} from './errors';
import { countCall } from './metrics/requests';
import { SpanStatusCode } from '@opentelemetry/api';
import { inSpan } from '@jobdeck/workflows/telemetry';
import type { Services } from './services';

// ---------------------------------------------------------------------------------------- context

export interface Context {
  services: Services;
  principal: Principal | null;
  /** Client address, for rate limits and the audit trail: a trusted proxy's X-Forwarded-For, else the peer. */
  ip: string;
  /** The bearer token itself, so that logout can revoke exactly this session. */
  token: string | null;
  /** Adds a Set-Cookie header to the answer (the codec endpoint's session cookie). */
  setCookie(cookie: string): void;
}

export function contextFactory(services: Services) {
  const addressOf = clientAddress(services.config.trustedProxies);
  return async ({ req, res }: CreateHTTPContextOptions): Promise<Context> => {
    // Only ever a header, subscriptions included: a token in a URL ends up in proxy logs.
    const token = bearerToken(req.headers.authorization);
    const principal = token
      ? await services.tokens.authenticate(token).catch((error: unknown) => {
          // Before any middleware: Postgres away must answer 503 here too, not a 500 with Prisma's text.
          services.outages.note(error);
          throw toDomainTRPCError(error) ?? error;
        })
      : null;
    return {
      services,
      principal,
      ip: addressOf(req),
      token,
      setCookie: (cookie) => res.appendHeader('Set-Cookie', cookie),
    };
  };
}

// ------------------------------------------------------------------------------------------- init

export interface Meta {
  /** Why this procedure's answer is not redacted: it hands out a new secret once, or holds no user data. */
  unredacted?: string;
  /** Counted by a limiter: a batch may call it once at most, so that batching cannot multiply attempts. */
  rateLimited?: boolean;
  /**
   * The input as the audit trail keeps it, when it holds secrets the name-based redaction cannot see
   * (an alert channel's Slack URL): what this returns is redacted and stored instead.
   */
  auditInput?: (input: unknown) => unknown;
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    // Validation errors answer 400 with the message of every field that is wrong, by path. Nothing
    // ever carries a server path or a source line: our own failures say only a reference to the log.
    errorFormatter({ shape, error }) {
      const zodError = error.cause instanceof ZodError ? error.cause : null;
      const message = zodError
        ? describeError(error)
        : error.code === 'INTERNAL_SERVER_ERROR'
          ? internalErrorMessage(error)
          : withoutSource(shape.message);
      return {
        ...shape,
        message,
        data: {
          ...shape.data,
          stack: undefined,
          fieldErrors: zodError ? z.flattenError(zodError).fieldErrors : undefined,
          issues: zodError?.issues.map((issue) => ({
            path: issue.path.map(String),
            message: issue.message,
            code: issue.code,
          })),
        },
      };
    },
    sse: { ping: { enabled: true, intervalMs: 15_000 }, client: { reconnectAfterInactivityMs: 30_000 } },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

// ------------------------------------------------------------------------------------ middlewares

/**
 * Every mutation of a known caller leaves a row, however it ends (refusals too). The intent is
 * written before the mutation runs and the outcome after: an action whose row cannot be written is
 * not carried out. Anonymous calls other than auth.login changed nothing and are not recorded
 * (anyone could fill the table with them).
 */
const audited = t.middleware(async ({ ctx, meta, type, path, getRawInput, next }) => {
  if (type !== 'mutation' || (!ctx.principal && path !== 'auth.login')) return next();
  const input = await getRawInput().catch(() => undefined);
  const loginEmail =
    path === 'auth.login' && typeof (input as { email?: unknown })?.email === 'string'
      ? (input as { email: string }).email
      : null;
  const { sql } = ctx.services;
  const target = auditTarget(input);
  // Plain SQL: these two statements are part of every mutation's cost (see createSql).
  const params = auditParams(meta?.auditInput ? meta.auditInput(input) : input);
  const intent = await sql
    .query<{ id: string }>(
      `INSERT INTO "AuditLog" ("at", "actor", "role", "action", "target", "params", "outcome", "ip")
       VALUES ($1, $2, $3::"Role", $4, $5, $6::jsonb, 'pending', $7) RETURNING "id"`,
      [
        new Date().toISOString(),
        toStorable(ctx.principal?.name ?? loginEmail ?? 'anonymous').slice(0, 254),
        ctx.principal?.role ?? null,
        path,
        target,
        params == null ? null : JSON.stringify(params),
        toStorable(ctx.ip).slice(0, 100),
      ],
    )
    .then(({ rows }) => rows[0]!)
    .catch((error: Error) => {
      if (!ctx.services.outages.note(error))
        console.error(`audit: could not record ${path}, so it was not carried out: ${withoutSource(error.message)}`);
      throw new TRPCError({
        code: 'SERVICE_UNAVAILABLE',
        message: 'the audit trail cannot be written right now, so nothing was done; try again shortly',
      });
    });
  const result = await next();
  // For a creation (an enqueue, a retry) the target is what was made.
  const madeTarget = target === null && result.ok ? auditTarget(result.data) : null;
  await sql
    .query(`UPDATE "AuditLog" SET "outcome" = $1, "error" = $2, "target" = COALESCE($3, "target") WHERE "id" = $4`, [
      result.ok ? 'ok' : result.error.code,
      result.ok ? null : toStorable(describeError(result.error)).slice(0, 2000),
      madeTarget,
      intent.id,
    ])
    .catch((error: Error) => {
      if (!ctx.services.outages.note(error))
        console.error(
          `audit: the outcome of ${path} (row ${intent.id}) was not recorded: ${withoutSource(error.message)}`,
        );
    });
  return result;
});

/**
 * Domain errors (services' and job control's refusals, Postgres or Temporal away, Temporal's
 * refusals) become tRPC errors here, and only here: services throw `DomainError`, never TRPCError.
 * A subscription's errors come while it streams, after its procedure returned: they are mapped as
 * its messages are read.
 */
const domainErrors = t.middleware(async ({ ctx, type, next }) => {
  const toCallerError = (error: unknown): unknown => {
    const cause = error instanceof TRPCError ? (error.cause ?? error) : error;
    ctx.services.outages.note(cause);
    return toDomainTRPCError(cause) ?? error;
  };
  const result = await next();
  if (!result.ok) {
    const mapped = toCallerError(result.error);
    if (mapped !== result.error) throw mapped;
  } else if (type === 'subscription' && isAsyncIterable(result.data)) {
    return { ...result, data: mappingErrors(result.data, toCallerError) } as typeof result;
  }
  return result;
});

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as AsyncIterable<unknown> | null)?.[Symbol.asyncIterator] === 'function';
}

/** The same stream, its error mapped; closing it closes the original (yield* passes return() on). */
async function* mappingErrors<T>(stream: AsyncIterable<T>, map: (error: unknown) => unknown): AsyncGenerator<T> {
  try {
    yield* stream;
  } catch (error) {
    throw map(error);
  }
}

/**
 * Text PostgreSQL cannot store (NUL, lone surrogates, in values or keys) or absurd nesting, in any
 * input of any procedure, is refused before anything runs, with the field named: otherwise it would
 * reach Temporal and not Postgres, or skip the audit trail.
 */
const storableInput = t.middleware(async ({ getRawInput, next }) => {
  const problem = findUnstorable(await getRawInput().catch(() => undefined));
  if (problem) {
    const path = problem.path.map((part) => (typeof part === 'string' ? toStorable(part) : part));
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: problem.message,
      cause: new ZodRealError([{ code: 'custom', path, message: problem.message, input: undefined }]),
    });
  }
  return next();
});

/** One redaction policy on every answer, unless the procedure says why not. */
const redactedOutput = t.middleware(async ({ meta, type, next }) => {
  const result = await next();
  if (!result.ok || meta?.unredacted || type === 'subscription') return result;
  return { ...result, data: redactSecrets(result.data) } as typeof result;
});

function requireRole(minimum: Role) {
  return t.middleware(({ ctx, next }) => {
    if (!ctx.principal)
      throw new TRPCError({ code: 'UNAUTHORIZED', message: 'sign in or send Authorization: Bearer <token>' });
    if (!hasRole(ctx.principal.role, minimum)) {
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: `requires the ${minimum} role; you are ${ctx.principal.role}`,
      });
    }
    return next({ ctx: { ...ctx, principal: ctx.principal } });
  });
}

// ------------------------------------------------------------------------------------- procedures

/** Every call's count and duration for /metrics (metrics/requests.ts), by procedure and the code it answered. */
const timed = t.middleware(async ({ ctx, path, next }) => {
  const started = performance.now();
  const result = await next();
  countCall(ctx.services, path, result.ok ? 'OK' : result.error.code, (performance.now() - started) / 1000);
  return result;
});

/**
 * With tracing on (OTEL_EXPORTER_OTLP_ENDPOINT), a span per call, named `trpc <path>`: what the call
 * does in Temporal (an enqueue's StartWorkflow, and so the job's workflow and activities) is its child.
 * Only the procedure and its answer's code are recorded, never the input or a message.
 */
const traced = t.middleware(({ path, type, next }) =>
  inSpan(`trpc ${path}`, { 'rpc.system': 'trpc', 'rpc.method': path, 'rpc.trpc.type': type }, async (span) => {
    const result = await next();
    span?.setAttribute('rpc.trpc.status', result.ok ? 'OK' : result.error.code);
    if (!result.ok) span?.setStatus({ code: SpanStatusCode.ERROR, message: result.error.code });
    return result;
  }),
);

const procedure = t.procedure.use(traced).use(timed).use(audited).use(domainErrors).use(redactedOutput);

/** The only procedures that answer without a token: logging in. */
export const publicProcedure = procedure.use(storableInput);
// The role is checked before the input is looked at: an anonymous caller learns nothing about validation.
export const viewerProcedure = procedure.use(requireRole('viewer')).use(storableInput);
export const operatorProcedure = procedure.use(requireRole('operator')).use(storableInput);
export const adminProcedure = procedure.use(requireRole('admin')).use(storableInput);
