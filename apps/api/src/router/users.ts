import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { hashPassword } from '../auth/passwords';
import { adminProcedure, router } from '../trpc';
import { email } from './auth';

const role = z.enum(['viewer', 'operator', 'admin']);
const password = z.string().min(10, 'password must be at least 10 characters').max(256);
const userId = z.uuid('id is not a user id');

function view(user: { id: string; email: string; name: string | null; role: string; disabledAt: Date | null; createdAt: Date; updatedAt: Date }) {
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
  list: adminProcedure.query(async ({ ctx }) => (await ctx.services.db.user.findMany({ orderBy: { email: 'asc' } })).map(view)),

  create: adminProcedure
    .input(z.object({ email, name: z.string().trim().max(100).optional(), role, password }).strict())
    .mutation(async ({ ctx, input }) => {
      const existing = await ctx.services.db.user.findUnique({ where: { email: input.email } });
      if (existing) throw new TRPCError({ code: 'CONFLICT', message: `a user ${input.email} exists already` });
      const user = await ctx.services.db.user.create({
        data: { email: input.email, name: input.name ?? null, role: input.role, passwordHash: await hashPassword(input.password) },
      });
      return view(user);
    }),

  /** Role, name, or disabling: a disabled user's sessions stop working at once. */
  update: adminProcedure
    .input(z.object({ id: userId, role: role.optional(), name: z.string().trim().max(100).optional(), disabled: z.boolean().optional() }).strict())
    .mutation(async ({ ctx, input }) => {
      if (input.id === ctx.principal.userId && (input.disabled || (input.role && input.role !== 'admin'))) {
        throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'you cannot demote or disable yourself; ask another admin' });
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
      return view(user);
    }),

  resetPassword: adminProcedure.input(z.object({ id: userId, password }).strict()).mutation(async ({ ctx, input }) => {
    const { count } = await ctx.services.db.user.updateMany({ where: { id: input.id }, data: { passwordHash: await hashPassword(input.password) } });
    if (!count) throw new TRPCError({ code: 'NOT_FOUND', message: `no user ${input.id}` });
    // Sessions opened with the old password end now.
    await ctx.services.db.apiToken.updateMany({ where: { userId: input.id, kind: 'session', revokedAt: null }, data: { revokedAt: new Date() } });
    return { ok: true };
  }),
});
