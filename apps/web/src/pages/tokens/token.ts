import type { RouterOutputs } from '../../trpc';

export type Token = RouterOutputs['tokens']['list'][number];

export function statusOf(token: Token): { tone: 'ok' | 'bad' | 'idle'; label: 'active' | 'revoked' | 'expired' } {
  if (token.revokedAt) return { tone: 'bad', label: 'revoked' };
  if (token.expiresAt && Date.parse(token.expiresAt) <= Date.now()) return { tone: 'idle', label: 'expired' };
  return { tone: 'ok', label: 'active' };
}
