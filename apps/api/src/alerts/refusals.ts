// The refusals the alerts services share: a taken name, a record gone meanwhile, a field wrong in a
// way only the database can tell (a channel id that names no channel).
import { Prisma } from '@jobdeck/db';
import { ZodRealError } from 'zod';
import { DomainError } from '@jobdeck/workflows/control';

/** Prisma's refusals of a write as the caller's: `what` is "rule" or "channel". */
export function refusedWrite(error: unknown, what: 'rule' | 'channel', name?: string): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')
    throw new DomainError('CONFLICT', `an alert ${what} named ${JSON.stringify(name)} already exists`);
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025')
    throw new DomainError('NOT_FOUND', `no such alert ${what}`);
  throw error;
}

/** A 400 naming the field, answered like a validation error (fieldErrors, issues). */
export function badField(path: Array<string | number>, message: string): DomainError {
  return new DomainError('BAD_REQUEST', `${path.join('.')}: ${message}`, {
    cause: new ZodRealError([{ code: 'custom', path, message, input: undefined }]),
  });
}

/** A write that referred to a row deleted meanwhile (a foreign key gone): nothing to do; anything else is thrown. */
export function ignoreGone(error: unknown): undefined {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2003') return undefined;
  throw error;
}
