import { ROLES } from '@jobdeck/workflows';
import { z } from 'zod';
import { email } from '../auth/email';
import { newPassword, passwordProblem } from '../auth/password-policy';
import { adminProcedure, router } from '../trpc';
import { createUser, listUsers, resetPassword, updateUser } from '../users/service';

const role = z.enum(ROLES);
/** Refused with the reason in words (too short, common, contains the email) under the field `password`. */
function checkPassword(value: { password: string; email: string }, ctx: z.RefinementCtx) {
  const problem = passwordProblem(value.password, [value.email]);
  if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem });
}
const userId = z.uuid('id is not a user id');

export const usersRouter = router({
  list: adminProcedure.query(({ ctx }) => listUsers(ctx.services)),

  create: adminProcedure
    .input(
      z
        .object({ email, name: z.string().trim().max(100).optional(), role, password: newPassword })
        .strict()
        .superRefine((value, ctx) => checkPassword(value, ctx)),
    )
    .mutation(({ ctx, input }) => createUser(ctx.services, input)),

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
    .mutation(({ ctx, input }) => updateUser(ctx.services, ctx.principal, input)),

  resetPassword: adminProcedure
    .input(z.object({ id: userId, password: newPassword }).strict())
    .mutation(({ ctx, input }) => resetPassword(ctx.services, input)),
});
