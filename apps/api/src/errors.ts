import { randomBytes } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { DomainError } from '@jobdeck/workflows/control';
import { redactSecrets, redactText, toStorable } from '@jobdeck/workflows';

// ------------------------------------------------------------------------------ domain → tRPC

const POSTGRES_AWAY =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|Connection terminated|connection timeout|Can't reach database|database system is (starting up|shutting down)|DatabaseNotReachable|the database system is in recovery|too many clients|terminating connection|timeout exceeded when trying to connect/i;

/** Postgres is away (not the query wrong): the caller is answered 503, the outage is logged once. */
export function isPostgresAway(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const fields = error as Error & {
    code?: unknown;
    cause?: unknown;
    meta?: { driverAdapterError?: { cause?: { kind?: unknown } } };
  };
  if (error.name === 'PrismaClientInitializationError') return true;
  // A gRPC status is Temporal's ("14 UNAVAILABLE: … connect ECONNREFUSED" reads like Postgres below).
  if (grpcCode(error) !== null) return false;
  if (typeof fields.code === 'string' && /^P10\d\d$/.test(fields.code)) return true;
  if (fields.code === 'P2024') return true; // timed out waiting for a pooled connection
  // pg's own SQLSTATEs on plain-SQL statements: connection exceptions (08…) and an operator shutting the server down (57P0…).
  if (typeof fields.code === 'string' && /^(08[0-9A-Z]{3}|57P0[1-4])$/.test(fields.code)) return true;
  // Prisma 7's driver adapter names the kind of failure; a raw query wraps it in P2010.
  if (
    /^(DatabaseNotReachable|ConnectionClosed|SocketTimeout|TooManyConnections|DatabaseDoesNotExist)$/.test(
      String(fields.meta?.driverAdapterError?.cause?.kind),
    )
  )
    return true;
  return (
    POSTGRES_AWAY.test(error.message) &&
    /prisma|postgres|database|connect/i.test(`${error.name} ${error.message} ${String(fields.cause ?? '')}`)
  );
}

/** gRPC status codes Temporal answers with, by meaning. */
const GRPC = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  UNAVAILABLE: 14,
} as const;

/**
 * The gRPC status of a failure, also when the Temporal client wrapped it (`ServiceError` with the
 * gRPC error as its cause): the wrapper's own message ("Failed to describe workflow") says nothing.
 */
function grpcCode(error: unknown): number | null {
  for (
    let current = error, depth = 0;
    current && typeof current === 'object' && depth < 5;
    current = (current as { cause?: unknown }).cause, depth++
  ) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'number') return code;
  }
  return null;
}

/** Temporal is away (not the request wrong): reads fall back to Postgres, commands answer 503. */
export function isTemporalUnavailable(error: unknown): boolean {
  const code = grpcCode(error);
  if (code !== null) return code === GRPC.UNAVAILABLE || code === GRPC.DEADLINE_EXCEEDED;
  // A bare socket error (connect ECONNREFUSED …) is pg's: the Temporal client wraps its own in a gRPC status.
  if (typeof (error as { syscall?: unknown })?.syscall === 'string') return false;
  return /UNAVAILABLE|ECONNREFUSED|deadline|Failed to connect to Temporal/i.test(String((error as Error)?.message));
}

// Stable words a client can show; the `data.code` of the answer is SERVICE_UNAVAILABLE (HTTP 503).
export const POSTGRES_AWAY_MESSAGE = 'database unavailable (Postgres is unreachable); try again shortly';
export const TEMPORAL_AWAY_MESSAGE = 'Temporal unavailable (no answer within the deadline); try again shortly';

/**
 * The one place where failures that are not our bugs become the caller's errors: a domain error
 * (a refusal of a service or of job control) keeps its code and message, Postgres or Temporal away is 503, Temporal's own refusals are 4xx.
 * Null for everything else, which stays a 500 (with a reference to the log, never its text).
 */
export function toDomainTRPCError(error: unknown): TRPCError | null {
  if (error instanceof TRPCError) return null;
  if (error instanceof DomainError)
    return new TRPCError({
      code: error.code,
      message: error.message,
      // Kept for the error formatter, which answers a zod cause field by field.
      cause: error.cause instanceof ZodError ? error.cause : undefined,
    });
  if (!(error instanceof Error)) return null;
  if (isPostgresAway(error)) return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: POSTGRES_AWAY_MESSAGE });
  if (isTemporalUnavailable(error))
    return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: TEMPORAL_AWAY_MESSAGE });
  switch (grpcCode(error)) {
    case GRPC.INVALID_ARGUMENT:
      return new TRPCError({
        code: 'BAD_REQUEST',
        message: `Temporal refused the request: ${withoutSource(error.message)}`,
      });
    case GRPC.NOT_FOUND:
      return new TRPCError({ code: 'NOT_FOUND', message: withoutSource(error.message) });
    case GRPC.RESOURCE_EXHAUSTED:
      return new TRPCError({
        code: 'TOO_MANY_REQUESTS',
        message: 'Temporal is rate limiting this namespace; try again shortly',
      });
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------- messages

// A source reference: `/abs/path/file.ts:12:34`, `file:///…/x.js:3`, and stack frames.
const SOURCE_REFERENCE = /\(?(?:file:\/\/)?(?:\/[\w.@+-]+)+\.(?:ts|tsx|js|mjs|cjs|prisma)(?::\d+){0,2}\)?/g;

/**
 * A message as the caller may read it: one line, without file paths, line numbers or secrets. Prisma
 * opens with "Invalid `…` invocation in <file>" and a code frame, and ends with the reason: that last line.
 */
export function withoutSource(message: string): string {
  const lines = message.split('\n').filter((line) => line.trim() && !/^\s*at\s/.test(line));
  const line = (/^Invalid `.*` invocation/.test(lines[0]?.trim() ?? '') ? lines.at(-1) : lines[0]) ?? '';
  return redactText(line.replace(SOURCE_REFERENCE, '').replace(/\s+/g, ' ').trim()) || 'request failed';
}

/** The same words the caller read: validation errors field by field, not zod's raw JSON. */
export function describeError(error: { message: string; cause?: unknown }): string {
  return error.cause instanceof ZodError
    ? error.cause.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; ')
    : withoutSource(error.message);
}

const references = new WeakMap<object, string>();

/** A short reference tying an answer to the server log's entry for the same failure. */
export function errorReference(error: object): string {
  let reference = references.get(error);
  if (!reference) references.set(error, (reference = randomBytes(4).toString('hex')));
  return reference;
}

export function internalErrorMessage(error: TRPCError): string {
  return `internal error (reference ${errorReference(error)}); the server log has the details`;
}

// -------------------------------------------------------------------------------------- audit

const MAX_PARAMS_CHARS = 8_192;
const MAX_STRING_CHARS = 256;

function shortenStrings(value: unknown): unknown {
  if (typeof value === 'string')
    return value.length > MAX_STRING_CHARS
      ? `${value.slice(0, MAX_STRING_CHARS)}… (${value.length} characters)`
      : value;
  if (Array.isArray(value)) return value.slice(0, 50).map(shortenStrings);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .slice(0, 100)
        .map(([key, item]) => [key.slice(0, 100), shortenStrings(item)]),
    );
  return value;
}

/**
 * The parameters kept on an audit row: secrets redacted, unstorable text replaced, and capped, so
 * that an anonymous caller cannot store a megabyte per request.
 */
export function auditParams(input: unknown): object | undefined {
  if (input === undefined) return undefined;
  const params = redactSecrets(toStorable(input)) as unknown;
  const json = JSON.stringify(params) ?? 'null';
  if (json.length <= MAX_PARAMS_CHARS) return (params ?? null) as object;
  const shortened = shortenStrings(params);
  const shortJson = JSON.stringify(shortened) ?? 'null';
  if (shortJson.length <= MAX_PARAMS_CHARS) return shortened as object;
  return { truncated: true, characters: json.length, preview: shortJson.slice(0, 1_024) };
}

/** What a mutation acted on, for the audit trail: a job, a queue, a user, a schedule, or a count. */
export function auditTarget(input: unknown): string | null {
  if (!input || typeof input !== 'object') return null;
  const fields = input as Record<string, unknown>;
  for (const key of ['id', 'queue', 'scheduleId', 'email', 'name']) {
    if (typeof fields[key] === 'string') return toStorable(fields[key] as string).slice(0, 300);
  }
  if (Array.isArray(fields.ids)) return `${fields.ids.length} jobs`;
  if (fields.filter && typeof fields.filter === 'object')
    return toStorable(`filter ${JSON.stringify(fields.filter)}`).slice(0, 300);
  if (fields.search && typeof fields.search === 'object')
    // Free text may hold what someone looked for, a secret even: redacted as the params are.
    return toStorable(redactText(`search ${JSON.stringify(fields.search)}`)).slice(0, 300);
  return null;
}
