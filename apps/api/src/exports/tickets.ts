// A direct download's ticket: what to export, for whom, until when, signed by this install. The
// ticket is not a credential: the download must also be authenticated as the same principal (the same
// session or token) that asked for it, so a ticket that leaks (a proxy log, a shared screen) is useless.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { DomainError } from '@jobdeck/workflows/control';
import type { ExportRequest } from '@jobdeck/workflows/export';

/** A ticket is used at once by the dashboard; five minutes leaves room for a slow click. */
export const TICKET_TTL_MS = 5 * 60_000;

export interface Ticket {
  /** The token (session or service token) the ticket was issued to. */
  tokenId: string;
  expiresAt: number;
  request: ExportRequest;
}

export interface TicketCodec {
  issue(tokenId: string, request: ExportRequest, now?: number): string;
  /** The ticket's content, signature checked; expiry and holder are the caller's to check (they answer differently). */
  open(text: string): Ticket;
}

export function createTicketCodec(secret: Buffer): TicketCodec {
  // A key of its own, derived from the install's secret, as list cursors have theirs.
  const key = Buffer.from(hkdfSync('sha256', secret, 'jobdeck', 'export tickets', 32));
  const sign = (payload: string) => createHmac('sha256', key).update(payload).digest();
  return {
    issue(tokenId, request, now = Date.now()) {
      const ticket: Ticket = { tokenId, expiresAt: now + TICKET_TTL_MS, request };
      const payload = Buffer.from(JSON.stringify(ticket)).toString('base64url');
      return `${payload}.${sign(payload).toString('base64url')}`;
    },
    open(text) {
      const [payload = '', signature = ''] = text.split('.');
      const expected = sign(payload);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        throw new DomainError('BAD_REQUEST', 'ticket: not a download ticket this API gave out; export again');
      return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Ticket;
    },
  };
}
