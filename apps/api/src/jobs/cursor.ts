import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { DomainError } from '@jobdeck/workflows/control';

/** Where the next page comes from: Temporal's opaque page token, or an offset into Postgres (Temporal away). */
export type PageCursor = { source: 'temporal'; token: Buffer } | { source: 'postgres'; offset: number };

/**
 * List cursors are signed: a cursor is accepted only as this install gave it out, so a forged or
 * mangled one is a clear 400 instead of garbage handed to Temporal's visibility store (which
 * answered such tokens with a 500 after 20 s of retries).
 */
export interface CursorCodec {
  encode(cursor: PageCursor): string;
  /** Throws a 400-coded DomainError for anything this install did not issue. */
  decode(text: string): PageCursor;
}

export function createCursorCodec(secret: Buffer): CursorCodec {
  // A key of its own, derived from the install's secret: signing never shares a key with encryption.
  const key = Buffer.from(hkdfSync('sha256', secret, 'jobdeck', 'list cursors', 32));
  const sign = (payload: string) => createHmac('sha256', key).update(payload).digest().subarray(0, 16);
  return {
    encode(cursor) {
      const payload = cursor.source === 'temporal' ? `t${cursor.token.toString('base64url')}` : `p${cursor.offset}`;
      return `${payload}.${sign(payload).toString('base64url')}`;
    },
    decode(text) {
      const [payload = '', signature = ''] = text.split('.');
      const expected = sign(payload);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new DomainError(
          'BAD_REQUEST',
          'cursor: not a cursor this API gave out (or it has expired); start again from the first page',
        );
      }
      return payload.startsWith('t')
        ? { source: 'temporal', token: Buffer.from(payload.slice(1), 'base64url') }
        : { source: 'postgres', offset: Number(payload.slice(1)) };
    },
  };
}
