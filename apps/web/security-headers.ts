// The dashboard's security headers, in one place: Vite's dev and preview servers send them from here,
// and nginx.conf (production) repeats the production set, which a unit test keeps identical.

const common = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/**
 * The built dashboard runs no inline script and calls only its own origin (/trpc, proxied to the API).
 * React sets styles through the CSSOM, which CSP allows; 'unsafe-inline' styles cover the rest.
 */
export const productionHeaders: Record<string, string> = {
  ...common,
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
};

/** Vite's dev server adds an inline React Refresh preamble and a WebSocket for hot reload. */
export const devHeaders: Record<string, string> = {
  ...common,
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
};
