import { createHmac } from 'node:crypto';

export interface SignedDelivery {
  /** Unix seconds: receivers refuse old ones, which bounds how long a captured request can be replayed. */
  timestamp: number;
  /** Same on every attempt of one delivery: receivers dedupe on it. */
  deliveryId: string;
  /** The URL posted to; a receiver recomputes with its own URL, so a request replayed elsewhere fails. */
  url: string;
  body: string;
}

/**
 * The URL as signed: WHATWG-normalised (lower-case scheme and host, default port dropped, `/` for an
 * empty path) and without the fragment, which is never sent.
 */
export function signedUrl(url: string | URL): string {
  const parsed = new URL(url);
  parsed.hash = '';
  return parsed.href;
}

/**
 * `t=<unix seconds>,v2=<hex HMAC-SHA256 of "<t>.<delivery id>.<url>.<body>">`. v1 signed only the
 * timestamp and body, so one receiver could replay a request to another: it is no longer sent.
 */
export function signWebhook(secret: string, delivery: SignedDelivery): string {
  const digest = createHmac('sha256', secret)
    .update(`${delivery.timestamp}.${delivery.deliveryId}.${signedUrl(delivery.url)}.${delivery.body}`)
    .digest('hex');
  return `t=${delivery.timestamp},v2=${digest}`;
}
