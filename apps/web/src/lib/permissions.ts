import { trpc } from '../trpc';

const RANK = { viewer: 1, operator: 2, admin: 3 } as const;
export type Role = keyof typeof RANK;

/**
 * Who is signed in, and what they may do. The server checks every call anyway; this only decides
 * which controls to show, so that a viewer is not offered buttons that would answer 403.
 */
export function usePermissions() {
  const me = trpc.auth.me.useQuery(undefined, { staleTime: 5 * 60_000 });
  const role = (me.data?.role ?? null) as Role | null;
  const rank = role ? RANK[role] : 0;
  return {
    me: me.data ?? null,
    loading: me.isLoading,
    role,
    canOperate: rank >= RANK.operator,
    isAdmin: rank >= RANK.admin,
  };
}
