import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { verifyPassword } from '../auth/passwords';
import { hashToken, issueToken } from '../auth/tokens';
import { publicProcedure, router, viewerProcedure } from '../trpc';

// Deliberately loose: dev and intranet addresses such as admin@localhost are valid here.
export const email = z.string().trim().toLowerCase().max(254).regex(/^[^\s@]+@[^\s@]+$/, 'email is not a valid address');

export const authRouter = router({
  login: publicProcedure
    .input(z.object({ email, password: z.string().min(1, 'password is required').max(256) }))
    .mutation(async ({ ctx, input }) => {
      const { db, cache, config } = ctx.services;
      // Only failures count: a password guesser is slowed down, a user who logs in often is not.
      const limitKey = `login-failures:${ctx.ip}:${input.email}`;
      if ((await cache.hits(limitKey, 60_000)) >= config.loginAttemptsPerMinute) {
        throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: 'too many failed login attempts; wait a minute' });
      }
      const user = await db.user.findUnique({ where: { email: input.email } });
      const valid = user && !user.disabledAt && (await verifyPassword(input.password, user.passwordHash));
      if (!user || !valid) {
        await cache.hit(limitKey, 60_000);
        throw new TRPCError({ code: 'UNAUTHORIZED', message: 'wrong email or password' });
      }
      const expiresAt = new Date(Date.now() + config.sessionHours * 3_600_000);
      const { token } = await issueToken(db, { kind: 'session', name: 'dashboard', role: user.role, userId: user.id, expiresAt });
      return { token, expiresAt: expiresAt.toISOString(), user: { id: user.id, email: user.email, name: user.name, role: user.role } };
    }),

  me: viewerProcedure.query(({ ctx }) => ({
    name: ctx.principal.name,
    role: ctx.principal.role,
    kind: ctx.principal.kind,
    userId: ctx.principal.userId,
  })),

  logout: viewerProcedure.mutation(async ({ ctx }) => {
    if (ctx.principal.kind === 'session' && ctx.token) {
      await ctx.services.db.apiToken.updateMany({ where: { tokenHash: hashToken(ctx.token) }, data: { revokedAt: new Date() } });
    }
    return { ok: true };
  }),

});
