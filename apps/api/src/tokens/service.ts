import type { Role } from '@jobdeck/db';
import { DomainError } from '@jobdeck/workflows/control';
import { issueToken } from '../auth/tokens';
import type { Services } from '../services';

/** A service token, shown this once: only its hash is stored. */
export async function createServiceToken(
  services: Services,
  request: { name: string; role: Role; expiresInDays?: number },
) {
  const expiresAt = request.expiresInDays ? new Date(Date.now() + request.expiresInDays * 86_400_000) : null;
  const { token, record } = await issueToken(services.db, {
    kind: 'service',
    name: request.name,
    role: request.role,
    expiresAt,
  });
  return {
    token,
    id: record.id,
    prefix: record.prefix,
    role: record.role,
    expiresAt: record.expiresAt?.toISOString() ?? null,
  };
}

export async function listServiceTokens(services: Services) {
  const tokens = await services.db.apiToken.findMany({ where: { kind: 'service' }, orderBy: { createdAt: 'desc' } });
  return tokens.map((token) => ({
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    role: token.role,
    createdAt: token.createdAt.toISOString(),
    expiresAt: token.expiresAt?.toISOString() ?? null,
    revokedAt: token.revokedAt?.toISOString() ?? null,
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
  }));
}

export async function revokeToken(services: Services, id: string) {
  const { count } = await services.db.apiToken.updateMany({
    where: { id, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (!count) throw new DomainError('NOT_FOUND', `no active token ${id}`);
  // Its open live streams end now on this instance, within seconds on the others.
  await services.sessionWatch.checkNow();
  return { ok: true };
}
