import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

/**
 * The client's address. X-Forwarded-For is read only when the request arrives from one of the
 * trusted proxies (JOBDECK_TRUSTED_PROXIES: addresses or CIDRs), walking the header from the right
 * past trusted hops: a client talking to the API directly cannot forge its address, and so cannot
 * dodge login limits or write someone else's address into the audit trail.
 */
export function clientAddress(trustedProxies: string[]): (req: IncomingMessage) => string {
  const trust = proxyAddr.compile(trustedProxies);
  return (req) => {
    try {
      return proxyAddr(req, trust);
    } catch {
      return req.socket.remoteAddress ?? 'unknown';
    }
  };
}

/** Refuses a malformed JOBDECK_TRUSTED_PROXIES at start rather than trusting something unintended. */
export function checkTrustedProxies(trustedProxies: string[]): void {
  proxyAddr.compile(trustedProxies);
}
