import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { createTRPCReact } from '@trpc/react-query';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@jobdeck/api';
import { jobdeckLinks } from '@jobdeck/api/client';
import { clearToken, getToken } from './lib/auth';
import { isClientError, isUnauthorized } from './lib/errors';

export { getToken, setToken, clearToken, useToken } from './lib/auth';

export const trpc = createTRPCReact<AppRouter>();

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type JobDetail = RouterOutputs['jobs']['get'];
export type JobSummary = RouterOutputs['jobs']['list']['items'][number];
export type JobList = RouterOutputs['jobs']['list'];
export type StatGroup = RouterOutputs['jobs']['stats']['types'][number];
export type Health = RouterOutputs['system']['health'];
export type JobTypeInfo = RouterOutputs['jobs']['types'][number];
export type EnqueueInput = RouterInputs['jobs']['enqueue'];

function authHeaders(): Record<string, string> {
  const token = getToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** Same origin: Vite (dev) or nginx (production) proxies /trpc to the API. */
const url = '/trpc';

export function createClient() {
  return trpc.createClient({ links: jobdeckLinks({ url, headers: authHeaders, maxURLLength: 4000 }) });
}

/** Any 401 means the session is gone (expired, revoked, logged out elsewhere): back to the login page. */
function onError(error: unknown) {
  if (isUnauthorized(error) && getToken()) clearToken();
}

export function createQueryClient() {
  return new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        retry: (count, error) => !isClientError(error) && count < 2,
        staleTime: 1_000,
        refetchOnWindowFocus: true,
      },
      mutations: { retry: false },
    },
  });
}
