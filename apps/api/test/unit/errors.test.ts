import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { ZodRealError } from 'zod';
import { DomainError } from '@jobdeck/workflows/control';
import { auditParams, toDomainTRPCError, withoutSource } from '../../src/errors';
import { awayDependency } from '../../src/outages';

describe('withoutSource', () => {
  it.each([
    ['a stack', 'boom\n    at x (/work/main/apps/api/src/a.ts:1:2)', 'boom'],
    ['a path with a line', 'failed in /work/main/apps/api/src/jobs/read.ts:123:45 badly', 'failed in badly'],
    [
      "Prisma's frame, down to its reason",
      'Invalid `prisma.job.create()` invocation in\n/work/main/x.ts:2:3\n\n  1 code\n→ 2 more\nValue out of range for the type',
      'Value out of range for the type',
    ],
    ['a secret', 'cannot reach https://x.test/?token=abc', 'cannot reach https://x.test/?token=[redacted]'],
    ['nothing at all', '\n\n', 'request failed'],
  ])('takes out %s', (_, message, expected) => expect(withoutSource(message)).toBe(expected));
});

describe('toDomainTRPCError', () => {
  it('keeps the code of a refused job action, and says Postgres or Temporal is away with 503', () => {
    expect(toDomainTRPCError(new DomainError('CONFLICT', 'already retried'))).toMatchObject({
      code: 'CONFLICT',
      message: 'already retried',
    });
    expect(
      toDomainTRPCError(
        Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), {
          name: 'PrismaClientInitializationError',
        }),
      )?.code,
    ).toBe('SERVICE_UNAVAILABLE');
    expect(
      toDomainTRPCError(Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 }))?.code,
    ).toBe('SERVICE_UNAVAILABLE');
    expect(toDomainTRPCError(Object.assign(new Error('3 INVALID_ARGUMENT: bad page token'), { code: 3 }))?.code).toBe(
      'BAD_REQUEST',
    );
    expect(toDomainTRPCError(new Error('a bug'))).toBeNull();
    expect(toDomainTRPCError(new TRPCError({ code: 'NOT_FOUND' }))).toBeNull();
  });

  it("keeps a service's refusal word for word, and a zod cause for the field-by-field answer", () => {
    const issues = new ZodRealError([{ code: 'custom', path: ['input', 'url'], message: 'not a url', input: 'x' }]);
    const mapped = toDomainTRPCError(new DomainError('BAD_REQUEST', 'template t no longer fits', { cause: issues }));
    expect(mapped).toMatchObject({ code: 'BAD_REQUEST', message: 'template t no longer fits' });
    expect(mapped?.cause).toBe(issues);
    expect(toDomainTRPCError(new DomainError('UNAUTHORIZED', 'wrong email or password'))?.code).toBe('UNAUTHORIZED');
    expect(
      toDomainTRPCError(new DomainError('NOT_FOUND', 'no user 1', { cause: new Error('x') }))?.cause,
    ).toBeUndefined();
  });
});

describe('auditParams', () => {
  it('redacts, makes storable and caps what it keeps', () => {
    expect(auditParams({ password: 'x', note: 'a\u0000b' })).toEqual({ password: '[redacted]', note: 'a\ufffdb' });
    const huge = auditParams({ email: 'x'.repeat(900_000) }) as Record<string, string>;
    expect(JSON.stringify(huge).length).toBeLessThan(9_000);
    const many = auditParams({
      items: Array.from({ length: 5_000 }, (_, index) => ({ index, label: 'y'.repeat(300) })),
    });
    expect(JSON.stringify(many).length).toBeLessThan(9_000);
  }, 30_000);
});

describe('awayDependency', () => {
  // Plain-SQL statements fail with pg's own errors, not Prisma's: they must still read as Postgres away.
  it("tells pg's connection failures from Temporal's", () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      errno: -111,
      code: 'ECONNREFUSED',
      syscall: 'connect',
      address: '127.0.0.1',
      port: 5432,
    });
    const shutDown = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
      severity: 'FATAL',
    });
    const cut = new Error('Connection terminated unexpectedly');
    const temporal = Object.assign(
      new Error('14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:7233'),
      { code: 14 },
    );
    expect([refused, shutDown, cut, temporal].map(awayDependency)).toEqual([
      'postgres',
      'postgres',
      'postgres',
      'temporal',
    ]);
    // A refusal of the data is the request's fault, not an outage.
    expect(
      awayDependency(Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' })),
    ).toBeNull();
  });
});
