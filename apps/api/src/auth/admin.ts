import { randomBytes } from 'node:crypto';
import type { Db } from '@jobdeck/db';
import { hashPassword } from './passwords';
import { passwordProblem } from './password-policy';

export interface FirstAdmin {
  email: string;
  /** A generated password, returned once to be printed; null when one was given or nothing was created. */
  password: string | null;
  created: boolean;
}

/**
 * Creates the first admin when there is no active admin yet, with JOBDECK_ADMIN_PASSWORD or a
 * generated password. Once an admin exists nothing is applied again: a password reset or a
 * demotion made in Jobdeck survives every restart.
 */
export async function ensureAdmin(db: Db, email: string, password: string | null): Promise<FirstAdmin> {
  const admins = await db.user.count({ where: { role: 'admin', disabledAt: null } });
  if (admins > 0 || (await db.user.findUnique({ where: { email } }))) return { email, password: null, created: false };
  const effective = password ?? randomBytes(12).toString('base64url');
  await db.user.create({
    data: { email, name: 'Administrator', role: 'admin', passwordHash: await hashPassword(effective) },
  });
  return { email, password: password ? null : effective, created: true };
}

/** In production a first-admin password from our docs, or an easily guessed one, stops the start. */
export function productionAdminPasswordProblem(password: string | null, email: string): string | null {
  if (password === null) return null;
  const problem = passwordProblem(password, [email]);
  return problem ? `JOBDECK_ADMIN_PASSWORD is refused in production: ${problem}` : null;
}
