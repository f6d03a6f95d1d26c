import { createHash, randomBytes } from 'node:crypto';
import type { Db, Role, TokenKind } from '@jobdeck/db';
import type { Cache } from '../cache';

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
    data: { kind: options.kind, name: options.name, role: options.role, userId: options.userId ?? null, expiresAt: options.expiresAt ?? null, prefix, tokenHash },
  });
  return { token, record };
}

/** Resolves a bearer token to who holds it; null for unknown, expired, revoked or disabled. */
export async function authenticate(db: Db, cache: Cache, token: string): Promise<Principal | null> {
  if (!/^jd_[st]_[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
  const record = await db.apiToken.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: true } });
  if (!record || record.revokedAt || (record.expiresAt && record.expiresAt < new Date())) return null;
  if (record.user?.disabledAt) return null;
  // Recording last use on every request would make each read a write: once a minute is enough.
  if ((await cache.hit(`token-used:${record.id}`, 60_000)) === 1) {
    await db.apiToken.update({ where: { id: record.id }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
  }
  // A session carries its user's current role, so a demotion takes effect at once.
  const role = record.kind === 'session' && record.user ? record.user.role : record.role;
  return {
    kind: record.kind,
    tokenId: record.id,
    role,
    name: record.user ? record.user.email : `token:${record.name}`,
    userId: record.userId,
  };
}
