import { ROLES } from '@jobdeck/workflows';
import { z } from 'zod';
import { createServiceToken, listServiceTokens, revokeToken } from '../tokens/service';
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
    .mutation(({ ctx, input }) => createServiceToken(ctx.services, input)),

  list: adminProcedure.query(({ ctx }) => listServiceTokens(ctx.services)),

  revoke: adminProcedure
    .input(z.object({ id: z.uuid('id is not a token id') }).strict())
    .mutation(({ ctx, input }) => revokeToken(ctx.services, input.id)),
});
