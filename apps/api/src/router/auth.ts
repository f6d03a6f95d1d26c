import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { loginThrottleKeys } from '../auth/login-limits';
import { decoyPasswordHash, verifyPassword } from '../auth/passwords';
import { issueToken } from '../auth/tokens';
import { clearSessionCookie, sessionCookie } from '../auth/session-cookie';
import { publicProcedure, router, viewerProcedure } from '../trpc';

// Deliberately loose: dev and intranet addresses such as admin@localhost are valid here.
export const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .regex(/^[^\s@]+@[^\s@]+$/, 'email is not a valid address');

export const authRouter = router({
  login: publicProcedure
    .meta({ unredacted: 'answers the new session token, once', rateLimited: true })
    .input(z.object({ email, password: z.string().min(1, 'password is required').max(256) }).strict())
    .mutation(async ({ ctx, input }) => {
      const { db, config, loginThrottle } = ctx.services;
      // Counted before the password is checked, per address and per account: parallel guesses are each counted.
      const keys = loginThrottleKeys(ctx.ip, input.email, config.loginFreeAttempts);
      const admission = await loginThrottle.admit(keys);
      if (!admission.admitted) {
        const seconds = Math.ceil(admission.retryAfterMs / 1000);
        throw new TRPCError({
          code: 'TOO_MANY_REQUESTS',
          message: `too many login attempts; try again in ${seconds} s`,
        });
      }
      const user = await db.user.findUnique({ where: { email: input.email } });
      // Unknown and disabled accounts cost the same scrypt as a wrong password: the timing tells nothing.
      const usable = user !== null && user.disabledAt === null;
      const valid = await verifyPassword(input.password, usable ? user.passwordHash : await decoyPasswordHash());
      if (!usable || !valid) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'wrong email or password' });
      await loginThrottle.succeeded(keys);
      const expiresAt = new Date(Date.now() + config.sessionHours * 3_600_000);
      const { token } = await issueToken(db, {
        kind: 'session',
        name: 'dashboard',
        role: user.role,
        userId: user.id,
        expiresAt,
      });
      // The same session as an HttpOnly cookie scoped to /codec, for the Temporal Web UI's decoding calls.
      ctx.setCookie(sessionCookie(token, config.sessionHours * 3_600, config.production));
      return {
        token,
        expiresAt: expiresAt.toISOString(),
        user: { id: user.id, email: user.email, name: user.name, role: user.role },
      };
    }),

  me: viewerProcedure.query(({ ctx }) => ({
    name: ctx.principal.name,
    role: ctx.principal.role,
    kind: ctx.principal.kind,
    userId: ctx.principal.userId,
  })),

  /** Ends this dashboard session. A service token is not ended by logging out: an admin revokes it. */
  logout: viewerProcedure.mutation(async ({ ctx }) => {
    ctx.setCookie(clearSessionCookie(ctx.services.config.production));
    if (ctx.principal.kind !== 'session') {
      return {
        revoked: false,
        kind: ctx.principal.kind,
        message: 'a service token is not ended by logging out; an admin revokes it with tokens.revoke',
      };
    }
    await ctx.services.db.apiToken.updateMany({
      where: { id: ctx.principal.tokenId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    await ctx.services.sessionWatch.checkNow();
    return {
      revoked: true,
      kind: ctx.principal.kind,
      message: 'this session is signed out, and its live streams are closed',
    };
  }),
});
