import { ROLES } from '@jobdeck/workflows';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { hashPassword } from '../auth/passwords';
import { newPassword, passwordProblem } from '../auth/password-policy';
import { adminProcedure, router } from '../trpc';
import { email } from './auth';

const role = z.enum(ROLES);
/** Refused with the reason in words (too short, common, contains the email) under the field `password`. */
function checkPassword(value: { password: string; email: string }, ctx: z.RefinementCtx) {
  const problem = passwordProblem(value.password, [value.email]);
  if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem });
}
const userId = z.uuid('id is not a user id');

function view(user: {
  id: string;
  email: string;
  name: string | null;
  role: string;
  disabledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    disabled: user.disabledAt !== null,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}

export const usersRouter = router({
  list: adminProcedure.query(async ({ ctx }) =>
    (await ctx.services.db.user.findMany({ orderBy: { email: 'asc' } })).map(view),
  ),

  create: adminProcedure
    .input(
      z
        .object({ email, name: z.string().trim().max(100).optional(), role, password: newPassword })
        .strict()
        .superRefine((value, ctx) => checkPassword(value, ctx)),
    )
    .mutation(async ({ ctx, input }) => {
      const existing = await ctx.services.db.user.findUnique({ where: { email: input.email } });
      if (existing) throw new TRPCError({ code: 'CONFLICT', message: `a user ${input.email} exists already` });
      const user = await ctx.services.db.user.create({
        data: {
          email: input.email,
          name: input.name ?? null,
          role: input.role,
          passwordHash: await hashPassword(input.password),
        },
      });
      return view(user);
    }),

  /** Role, name, or disabling: a disabled user's sessions stop working at once. */
  update: adminProcedure
    .input(
      z
        .object({
          id: userId,
          role: role.optional(),
          name: z.string().trim().max(100).optional(),
          disabled: z.boolean().optional(),
        })
        .strict(),
    )
    .mutation(async ({ ctx, input }) => {
      if (input.id === ctx.principal.userId && (input.disabled || (input.role && input.role !== 'admin'))) {
        throw new TRPCError({
          code: 'PRECONDITION_FAILED',
          message: 'you cannot demote or disable yourself; ask another admin',
        });
      }
      const existing = await ctx.services.db.user.findUnique({ where: { id: input.id } });
      if (!existing) throw new TRPCError({ code: 'NOT_FOUND', message: `no user ${input.id}` });
      const user = await ctx.services.db.user.update({
        where: { id: input.id },
        data: {
          role: input.role,
          name: input.name,
          disabledAt: input.disabled === undefined ? undefined : input.disabled ? new Date() : null,
        },
      });
      // A disabled user's open live streams end now on this instance, within seconds on the others.
      if (input.disabled) await ctx.services.sessionWatch.checkNow();
      return view(user);
    }),

  resetPassword: adminProcedure
    .input(z.object({ id: userId, password: newPassword }).strict())
    .mutation(async ({ ctx, input }) => {
      const user = await ctx.services.db.user.findUnique({ where: { id: input.id }, select: { email: true } });
      if (!user) throw new TRPCError({ code: 'NOT_FOUND', message: `no user ${input.id}` });
      const problem = passwordProblem(input.password, [user.email]);
      if (problem) throw new TRPCError({ code: 'BAD_REQUEST', message: `password: ${problem}` });
      await ctx.services.db.user.update({
        where: { id: input.id },
        data: { passwordHash: await hashPassword(input.password) },
      });
      // Sessions opened with the old password end now, and their live streams with them.
      await ctx.services.db.apiToken.updateMany({
        where: { userId: input.id, kind: 'session', revokedAt: null },
        data: { revokedAt: new Date() },
      });
      await ctx.services.sessionWatch.checkNow();
      return { ok: true };
    }),
});
