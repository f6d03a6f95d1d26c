import { ROLES } from '@jobdeck/workflows';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { issueToken } from '../auth/tokens';
import { adminProcedure, router } from '../trpc';

/** Service tokens: shown once at creation, stored as a SHA-256, expiring and revocable; last use recorded. */
export const tokensRouter = router({
  create: adminProcedure
    .meta({ unredacted: 'answers the new token, shown this once' })
    .input(
      z
        .object({
          name: z
            .string()
            .trim()
            .min(1)
            .max(100)
            .regex(/^[\w .:-]+$/, 'name may use letters, digits, spaces and . : - _'),
          role: z.enum(ROLES),
          expiresInDays: z.number().int().min(1).max(3650).optional(),
        })
        .strict(),
    )
    .mutation(async ({ ctx, input }) => {
      const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
      const { token, record } = await issueToken(ctx.services.db, {
        kind: 'service',
        name: input.name,
        role: input.role,
        expiresAt,
      });
      // The token is shown this once: only its hash is stored.
      return {
        token,
        id: record.id,
        prefix: record.prefix,
        role: record.role,
        expiresAt: record.expiresAt?.toISOString() ?? null,
      };
    }),

  list: adminProcedure.query(async ({ ctx }) => {
    const tokens = await ctx.services.db.apiToken.findMany({
      where: { kind: 'service' },
      orderBy: { createdAt: 'desc' },
    });
    return tokens.map((token) => ({
      id: token.id,
      name: token.name,
      prefix: token.prefix,
      role: token.role,
      createdAt: token.createdAt.toISOString(),
      expiresAt: token.expiresAt?.toISOString() ?? null,
      revokedAt: token.revokedAt?.toISOString() ?? null,
      lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    }));
  }),

  revoke: adminProcedure
    .input(z.object({ id: z.uuid('id is not a token id') }).strict())
    .mutation(async ({ ctx, input }) => {
      const { count } = await ctx.services.db.apiToken.updateMany({
        where: { id: input.id, revokedAt: null },
        data: { revokedAt: new Date() },
      });
      if (!count) throw new TRPCError({ code: 'NOT_FOUND', message: `no active token ${input.id}` });
      // Its open live streams end now on this instance, within seconds on the others.
      await ctx.services.sessionWatch.checkNow();
      return { ok: true };
    }),
});
