import { createHash, randomBytes } from 'node:crypto';
import type { Db, Role, Sql, TokenKind } from '@jobdeck/db';

export interface Principal {
  kind: TokenKind;
  tokenId: string;
  role: Role;
  /** Who did it, for records: the user's email, or `token:<name>` for a service token. */
  name: string;
  userId: string | null;
}

/** The token of `Authorization: Bearer <token>`, the only place a token is read from (never a URL). */
export function bearerToken(header: string | undefined): string | null {
  return header?.startsWith('Bearer ') ? header.slice(7).trim() || null : null;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** `jd_s_…` for sessions, `jd_t_…` for service tokens: recognisable in a leaked log, and by secret scanners. */
export function newToken(kind: TokenKind): { token: string; prefix: string; tokenHash: string } {
  const token = `jd_${kind === 'session' ? 's' : 't'}_${randomBytes(24).toString('base64url')}`;
  return { token, prefix: token.slice(0, 10), tokenHash: hashToken(token) };
}

export async function issueToken(
  db: Db,
  options: { kind: TokenKind; name: string; role: Role; userId?: string | null; expiresAt?: Date | null },
) {
  const { token, prefix, tokenHash } = newToken(options.kind);
  const record = await db.apiToken.create({
    data: {
      kind: options.kind,
      name: options.name,
      role: options.role,
      userId: options.userId ?? null,
      expiresAt: options.expiresAt ?? null,
      prefix,
      tokenHash,
    },
  });
  return { token, record };
}

interface TokenRow {
  id: string;
  kind: TokenKind;
  name: string;
  role: Role;
  userId: string | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  userEmail: string | null;
  userRole: Role | null;
  userDisabledAt: Date | null;
}

/** Recording last use on every request would make each read a write: once a minute per token and process is enough. */
const LAST_USED_EVERY_MS = 60_000;

export interface TokenAuthenticator {
  /** Who holds a bearer token; null for unknown, expired, revoked or disabled. Throws when Postgres is away. */
  authenticate(token: string): Promise<Principal | null>;
}

/**
 * Every authenticated request asks Postgres afresh (one indexed statement on plain SQL: it is the
 * floor every call pays), so a revocation, a demotion or a disabled user takes effect on the next
 * request, on every API instance.
 */
export function createTokenAuthenticator(sql: Sql): TokenAuthenticator {
  const lastUsedWritten = new Map<string, number>();

  function noteUse(tokenId: string): void {
    const now = Date.now();
    if (now - (lastUsedWritten.get(tokenId) ?? 0) < LAST_USED_EVERY_MS) return;
    lastUsedWritten.set(tokenId, now);
    // A fact for the tokens page, not a condition of the request.
    sql
      .query('UPDATE "ApiToken" SET "lastUsedAt" = $1 WHERE "id" = $2', [new Date(now).toISOString(), tokenId])
      .catch(() => lastUsedWritten.delete(tokenId));
    if (lastUsedWritten.size > 10_000) lastUsedWritten.clear();
  }

  return {
    async authenticate(token) {
      if (!/^jd_[st]_[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
      const { rows } = await sql.query<TokenRow>(
        `SELECT t."id", t."kind", t."name", t."role", t."userId", t."expiresAt", t."revokedAt",
                u."email" AS "userEmail", u."role" AS "userRole", u."disabledAt" AS "userDisabledAt"
           FROM "ApiToken" t LEFT JOIN "User" u ON u."id" = t."userId"
          WHERE t."tokenHash" = $1`,
        [hashToken(token)],
      );
      const record = rows[0];
      if (!record || record.revokedAt || (record.expiresAt && record.expiresAt < new Date())) return null;
      if (record.userDisabledAt) return null;
      noteUse(record.id);
      // A session carries its user's current role, so a demotion takes effect at once.
      const role = record.kind === 'session' && record.userRole ? record.userRole : record.role;
      return {
        kind: record.kind,
        tokenId: record.id,
        role,
        name: record.userEmail ?? `token:${record.name}`,
        userId: record.userId,
      };
    },
  };
}
