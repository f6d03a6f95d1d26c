import { ApplicationFailure } from '@temporalio/common';

/** The error type of a record write that can never succeed: retrying it would retry forever. */
export const BOOKKEEPING_REJECTED = 'BookkeepingRejected';

// Prisma's codes for values the database refused as such (too long, invalid, out of range, a unique or
// foreign key constraint, …), and PostgreSQL's SQLSTATE classes 22 (data exception) and 23 (integrity
// constraint) as the pg adapter reports them in its messages, and as pg itself gives them (its `code`).
const REJECTED_PRISMA_CODES = /^P20(0[0-9]|1[0-2]|19|20|23)$/;
const REJECTED_SQLSTATES = /^2[23][0-9A-Z]{3}$/;
const REJECTED_BY_POSTGRES =
  /\b(22[0-9A-Z]{3}|23[0-9A-Z]{3})\b|invalid byte sequence|unsupported Unicode escape|invalid input syntax|Unicode low surrogate|out of range|value too long/i;

const CONNECTION_LOST =
  /closed the connection|Connection terminated|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|Can't reach database|connection timeout|terminating connection|database system is (starting up|shutting down)|too many clients/i;

/** The database refused the data itself (not: the database is away): writing it again cannot help. */
export function isRecordRejected(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: string };
  // A raw query's failure (P2010) says whatever the driver said: a closed connection is not a refusal (nor is
  // pg's own word for it: ECONNREFUSED, "Connection terminated unexpectedly", 57P01 "terminating connection…").
  if (CONNECTION_LOST.test(String(message))) return false;
  if (typeof code === 'string' && (REJECTED_PRISMA_CODES.test(code) || REJECTED_SQLSTATES.test(code))) return true;
  return REJECTED_BY_POSTGRES.test(String(message));
}

/**
 * Runs a record write; a refusal of the data itself becomes a non-retryable failure (the shell then
 * decides what the job does), while Postgres being away stays retryable (Temporal retries, the job waits).
 */
export async function recordWrite<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isRecordRejected(error)) {
      const { message } = error as { message?: string };
      throw ApplicationFailure.nonRetryable(
        `${what}: the database refused the record: ${String(message).split('\n').at(-1)?.slice(0, 300)}`,
        BOOKKEEPING_REJECTED,
      );
    }
    throw error;
  }
}
