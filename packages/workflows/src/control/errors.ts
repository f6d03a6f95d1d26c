/**
 * The expected refusals of Jobdeck's own code, named once: job control, the API's services and the
 * worker's bulk action throw these, and the API's `domainErrors` middleware (apps/api/src/trpc.ts)
 * turns each into the tRPC error of the same code. A leaf module: it imports nothing, so any layer
 * may throw it without pulling in tRPC.
 */
export type DomainErrorCode =
  /** The request is wrong in a way validation could not see (an unknown template type, a bad cursor). */
  | 'BAD_REQUEST'
  /** Who is asking is not known, or no longer (a wrong password, a revoked stream). */
  | 'UNAUTHORIZED'
  /** Known, but not allowed (a job type needing a higher role). */
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  /** Exists already, or someone else did it first. */
  | 'CONFLICT'
  /** Not in a state that allows it (cancelling a finished job, demoting yourself). */
  | 'PRECONDITION_FAILED'
  | 'TOO_MANY_REQUESTS'
  /** Took longer than the server allows it (a search too broad): narrow it and ask again. */
  | 'TIMEOUT'
  /** A dependency is away (Temporal, Postgres): try again shortly. */
  | 'SERVICE_UNAVAILABLE';

/** An expected refusal, with the HTTP-ish code the API answers with. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** A zod error as the cause is answered field by field, as validation errors are. */
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DomainError';
  }
}
