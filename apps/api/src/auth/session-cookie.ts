/**
 * The session as a cookie, for one reader only: the codec endpoint (/codec), which the Temporal Web
 * UI calls from the browser and cannot send our Authorization header to. HttpOnly (no script reads
 * it), SameSite=Strict, and scoped to /codec so the tRPC API never accepts it (no CSRF there).
 */
export const SESSION_COOKIE = 'jobdeck_session';

export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${token}`,
    'HttpOnly',
    'SameSite=Strict',
    'Path=/codec',
    `Max-Age=${maxAgeSeconds}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

export function clearSessionCookie(secure: boolean): string {
  return sessionCookie('', 0, secure);
}

/** The token of the session cookie in a Cookie header, or null. */
export function sessionCookieToken(cookieHeader: string | undefined): string | null {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=') || null;
  }
  return null;
}
