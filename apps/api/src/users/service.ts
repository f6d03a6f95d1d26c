import type { Role } from '@jobdeck/db';
import { DomainError } from '@jobdeck/workflows/control';
import { hashPassword } from '../auth/passwords';
import { passwordProblem } from '../auth/password-policy';
import type { Principal } from '../auth/tokens';
import type { Services } from '../services';

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

export async function listUsers(services: Services) {
  return (await services.db.user.findMany({ orderBy: { email: 'asc' } })).map(view);
}

/** The password was checked by the input's validation (policy, not the email). */
export async function createUser(
  services: Services,
  request: { email: string; name?: string; role: Role; password: string },
) {
  const existing = await services.db.user.findUnique({ where: { email: request.email } });
  if (existing) throw new DomainError('CONFLICT', `a user ${request.email} exists already`);
  const user = await services.db.user.create({
    data: {
      email: request.email,
      name: request.name ?? null,
      role: request.role,
      passwordHash: await hashPassword(request.password),
    },
  });
  return view(user);
}

/** Role, name, or disabling: a disabled user's sessions stop working at once. */
export async function updateUser(
  services: Services,
  principal: Principal,
  request: { id: string; role?: Role; name?: string; disabled?: boolean },
) {
  if (request.id === principal.userId && (request.disabled || (request.role && request.role !== 'admin'))) {
    throw new DomainError('PRECONDITION_FAILED', 'you cannot demote or disable yourself; ask another admin');
  }
  const existing = await services.db.user.findUnique({ where: { id: request.id } });
  if (!existing) throw new DomainError('NOT_FOUND', `no user ${request.id}`);
  const user = await services.db.user.update({
    where: { id: request.id },
    data: {
      role: request.role,
      name: request.name,
      disabledAt: request.disabled === undefined ? undefined : request.disabled ? new Date() : null,
    },
  });
  // A disabled user's open live streams end now on this instance, within seconds on the others.
  if (request.disabled) await services.sessionWatch.checkNow();
  return view(user);
}

/** A new password, checked against the user's email too; the sessions opened with the old one end. */
export async function resetPassword(services: Services, request: { id: string; password: string }) {
  const user = await services.db.user.findUnique({ where: { id: request.id }, select: { email: true } });
  if (!user) throw new DomainError('NOT_FOUND', `no user ${request.id}`);
  const problem = passwordProblem(request.password, [user.email]);
  if (problem) throw new DomainError('BAD_REQUEST', `password: ${problem}`);
  await services.db.user.update({
    where: { id: request.id },
    data: { passwordHash: await hashPassword(request.password) },
  });
  // Sessions opened with the old password end now, and their live streams with them.
  await services.db.apiToken.updateMany({
    where: { userId: request.id, kind: 'session', revokedAt: null },
    data: { revokedAt: new Date() },
  });
  await services.sessionWatch.checkNow();
  return { ok: true };
}
