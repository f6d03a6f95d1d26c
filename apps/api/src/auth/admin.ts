import { randomBytes } from 'node:crypto';
import type { Db } from '@jobdeck/db';
import { hashPassword } from './passwords';

/**
 * Makes sure the first admin exists. With JOBDECK_ADMIN_PASSWORD set, that password is (re)applied;
 * without it, a new admin gets a generated password that is returned once, to be printed at start.
 */
export async function ensureAdmin(db: Db, email: string, password: string | null): Promise<{ email: string; password: string | null; created: boolean }> {
  const existing = await db.user.findUnique({ where: { email } });
  if (existing && !password) return { email, password: null, created: false };
  const effective = password ?? randomBytes(12).toString('base64url');
  const passwordHash = await hashPassword(effective);
  await db.user.upsert({
    where: { email },
    create: { email, name: 'Administrator', role: 'admin', passwordHash },
    update: { passwordHash, role: 'admin', disabledAt: null },
  });
  return { email, password: password ? null : effective, created: !existing };
}
