import { hasRole, type Role } from '@jobdeck/workflows/vocabulary';
import { trpc } from '../trpc';

export type { Role };

/**
 * Who is signed in, and what they may do. The server checks every call anyway; this only decides
 * which controls to show, so that a viewer is not offered buttons that would answer 403.
 */
export function usePermissions() {
  const me = trpc.auth.me.useQuery(undefined, { staleTime: 5 * 60_000 });
  const role = (me.data?.role ?? null) as Role | null;
  return {
    me: me.data ?? null,
    loading: me.isLoading,
    role,
    canOperate: !!role && hasRole(role, 'operator'),
    isAdmin: !!role && hasRole(role, 'admin'),
  };
}
