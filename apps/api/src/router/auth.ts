import { z } from 'zod';
import { email } from '../auth/email';
import { logIn, logOut } from '../auth/session';
import { publicProcedure, router, viewerProcedure } from '../trpc';

export const authRouter = router({
  login: publicProcedure
    .meta({ unredacted: 'answers the new session token, once', rateLimited: true })
    .input(z.object({ email, password: z.string().min(1, 'password is required').max(256) }).strict())
    .mutation(({ ctx, input }) => logIn(ctx.services, ctx, input)),

  me: viewerProcedure.query(({ ctx }) => ({
    name: ctx.principal.name,
    role: ctx.principal.role,
    kind: ctx.principal.kind,
    userId: ctx.principal.userId,
  })),

  /** Ends this dashboard session. A service token is not ended by logging out: an admin revokes it. */
  logout: viewerProcedure.mutation(({ ctx }) => logOut(ctx.services, ctx, ctx.principal)),
});
