import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { DomainError, type JobSearch, type SearchPosition } from '@jobdeck/workflows/control';

/** Where the next page comes from: Temporal's opaque page token, or an offset into Postgres (Temporal away). */
export type PageCursor = { source: 'temporal'; token: Buffer } | { source: 'postgres'; offset: number };

/** Where the next page of a jobs.search begins, and which search it belongs to (searchKey). */
export interface SearchCursor {
  search: string;
  position: SearchPosition;
}

/**
 * List cursors are signed: a cursor is accepted only as this install gave it out, so a forged or
 * mangled one is a clear 400 instead of garbage handed to Temporal's visibility store (which
 * answered such tokens with a 500 after 20 s of retries) or to a search's SQL.
 */
export interface CursorCodec {
  encode(cursor: PageCursor): string;
  /** Throws a 400-coded DomainError for anything this install did not issue. */
  decode(text: string): PageCursor;
  encodeSearch(cursor: SearchCursor): string;
  /** Also a 400 when the cursor was given out for another search than `searchKey`. */
  decodeSearch(text: string, searchKey: string): SearchPosition;
}

const NOT_OURS = 'cursor: not a cursor this API gave out (or it has expired); start again from the first page';

const searchPayload = z.tuple([z.string(), z.union([z.string(), z.number(), z.null()]), z.string()]);

/**
 * What binds a search cursor to its search: a digest of the search with its keys in a fixed order
 * and its default sort written out, so that the same search asked twice has the same key.
 */
export function searchKey(search: JobSearch): string {
  const normal = { ...search, sort: search.sort ?? 'created', order: search.order ?? 'desc' };
  return createHash('sha256').update(canonicalJson(normal)).digest().subarray(0, 12).toString('base64url');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

export function createCursorCodec(secret: Buffer): CursorCodec {
  // A key of its own, derived from the install's secret: signing never shares a key with encryption.
  const key = Buffer.from(hkdfSync('sha256', secret, 'jobdeck', 'list cursors', 32));
  const sign = (payload: string) => createHmac('sha256', key).update(payload).digest().subarray(0, 16);
  const signed = (payload: string) => `${payload}.${sign(payload).toString('base64url')}`;
  /** The payload of a cursor this install signed. */
  const verified = (text: string): string => {
    const [payload = '', signature = ''] = text.split('.');
    const expected = sign(payload);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new DomainError('BAD_REQUEST', NOT_OURS);
    return payload;
  };
  return {
    encode(cursor) {
      return signed(cursor.source === 'temporal' ? `t${cursor.token.toString('base64url')}` : `p${cursor.offset}`);
    },
    decode(text) {
      const payload = verified(text);
      if (payload.startsWith('s'))
        throw new DomainError('BAD_REQUEST', 'cursor: a jobs.search cursor; jobs.list pages with its own cursors');
      return payload.startsWith('t')
        ? { source: 'temporal', token: Buffer.from(payload.slice(1), 'base64url') }
        : { source: 'postgres', offset: Number(payload.slice(1)) };
    },
    encodeSearch({ search, position }) {
      const body = JSON.stringify([search, position.value, position.id]);
      return signed(`s${Buffer.from(body).toString('base64url')}`);
    },
    decodeSearch(text, searchKeyExpected) {
      const payload = verified(text);
      if (!payload.startsWith('s'))
        throw new DomainError('BAD_REQUEST', 'cursor: a jobs.list cursor; jobs.search pages with its own cursors');
      let parsed: z.output<typeof searchPayload>;
      try {
        parsed = searchPayload.parse(JSON.parse(Buffer.from(payload.slice(1), 'base64url').toString('utf8')));
      } catch {
        throw new DomainError('BAD_REQUEST', NOT_OURS);
      }
      const [search, value, id] = parsed;
      if (search !== searchKeyExpected)
        throw new DomainError(
          'BAD_REQUEST',
          'cursor: given out for another search; a cursor only goes on with the search that gave it (start again from the first page)',
        );
      return { value, id };
    },
  };
}
