import { DomainError } from '@jobdeck/workflows/control';
import type { Services } from '../services';
import { loginThrottleKeys } from './login-limits';
import { decoyPasswordHash, verifyPassword } from './passwords';
import { clearSessionCookies, sessionCookies } from './session-cookie';
import { issueToken, type Principal } from './tokens';

/** What a login or logout needs of its request beside the services: who calls from where, and its answer's cookies. */
export interface SessionRequest {
  ip: string;
  setCookie(cookie: string): void;
}

/** A dashboard session for a user's email and password; counted per address and per account before checking. */
export async function logIn(
  services: Services,
  request: SessionRequest,
  credentials: { email: string; password: string },
) {
  const { db, config, loginThrottle } = services;
  // Counted before the password is checked, per address and per account: parallel guesses are each counted.
  const keys = loginThrottleKeys(request.ip, credentials.email, config.loginFreeAttempts);
  const admission = await loginThrottle.admit(keys);
  if (!admission.admitted) {
    const seconds = Math.ceil(admission.retryAfterMs / 1000);
    throw new DomainError('TOO_MANY_REQUESTS', `too many login attempts; try again in ${seconds} s`);
  }
  const user = await db.user.findUnique({ where: { email: credentials.email } });
  // Unknown and disabled accounts cost the same scrypt as a wrong password: the timing tells nothing.
  const usable = user !== null && user.disabledAt === null;
  const valid = await verifyPassword(credentials.password, usable ? user.passwordHash : await decoyPasswordHash());
  if (!usable || !valid) throw new DomainError('UNAUTHORIZED', 'wrong email or password');
  await loginThrottle.succeeded(keys);
  const expiresAt = new Date(Date.now() + config.sessionHours * 3_600_000);
  const { token } = await issueToken(db, {
    kind: 'session',
    name: 'dashboard',
    role: user.role,
    userId: user.id,
    expiresAt,
  });
  // The same session as HttpOnly cookies scoped to /codec and /exports/ (see session-cookie.ts).
  for (const cookie of sessionCookies(token, config.sessionHours * 3_600, config.production)) request.setCookie(cookie);
  return {
    token,
    expiresAt: expiresAt.toISOString(),
    user: { id: user.id, email: user.email, name: user.name, role: user.role },
  };
}

/** Ends this dashboard session. A service token is not ended by logging out: an admin revokes it. */
export async function logOut(services: Services, request: SessionRequest, principal: Principal) {
  for (const cookie of clearSessionCookies(services.config.production)) request.setCookie(cookie);
  if (principal.kind !== 'session') {
    return {
      revoked: false,
      kind: principal.kind,
      message: 'a service token is not ended by logging out; an admin revokes it with tokens.revoke',
    };
  }
  await services.db.apiToken.updateMany({
    where: { id: principal.tokenId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  await services.sessionWatch.checkNow();
  return {
    revoked: true,
    kind: principal.kind,
    message: 'this session is signed out, and its live streams are closed',
  };
}
