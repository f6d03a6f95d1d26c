/**
 * The session as a cookie, for two readers that a browser reaches without our Authorization header:
 * the codec endpoint (/codec), which the Temporal Web UI calls, and export downloads (/exports/),
 * which the browser saves to disk as it receives them (a fetch with the header would hold the whole
 * file in the page's memory first). HttpOnly (no script reads it), SameSite=Strict, and scoped to
 * those paths, so the tRPC API never accepts it (no CSRF there); both readers only read.
 */
export const SESSION_COOKIE = 'jobdeck_session';
export const SESSION_COOKIE_PATHS = ['/codec', '/exports/'] as const;

/** One Set-Cookie per path. */
export function sessionCookies(token: string, maxAgeSeconds: number, secure: boolean): string[] {
  return SESSION_COOKIE_PATHS.map((path) =>
    [
      `${SESSION_COOKIE}=${token}`,
      'HttpOnly',
      'SameSite=Strict',
      `Path=${path}`,
      `Max-Age=${maxAgeSeconds}`,
      ...(secure ? ['Secure'] : []),
    ].join('; '),
  );
}

export function clearSessionCookies(secure: boolean): string[] {
  return sessionCookies('', 0, secure);
}

/** The token of the session cookie in a Cookie header, or null. */
export function sessionCookieToken(cookieHeader: string | undefined): string | null {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=') || null;
  }
  return null;
}
