import { createTRPCClient, httpBatchLink, httpLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { EventSource } from 'eventsource';
import type { AppRouter } from './router';

export type { AppRouter } from './router';
export type { EnqueueRequest, EnqueueOptions, EnqueueResult } from './jobs/enqueue';

export interface JobdeckClientOptions {
  /** Base URL of the API, e.g. http://127.0.0.1:4000 */
  url: string;
  /** A service token (admins create them) or a session token from auth.login. */
  token?: string | (() => string | null | undefined);
  /** Batch concurrent calls into one HTTP request (default true). */
  batch?: boolean;
}

/**
 * A typed client for services written in TypeScript:
 *   const jobdeck = createJobdeckClient({ url, token: process.env.JOBDECK_TOKEN });
 *   const { id } = await jobdeck.jobs.enqueue.mutate({ type: 'webhook.deliver', input: { url, payload } });
 */
export function createJobdeckClient(options: JobdeckClientOptions) {
  const url = `${options.url.replace(/\/$/, '')}/trpc`;
  const token = () => (typeof options.token === 'function' ? options.token() : options.token) ?? undefined;
  const headers = (): Record<string, string> => {
    const value = token();
    return value ? { Authorization: `Bearer ${value}` } : {};
  };
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        // The token travels as a header, as on every other call, never in the URL where proxies log it:
        // the `eventsource` package lets fetch add it (Node 20 has no EventSource of its own anyway).
        true: httpSubscriptionLink({
          url,
          EventSource,
          eventSourceOptions: () => ({
            fetch: (input: string | URL | Request, init?: RequestInit) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers() } }),
          }),
        }),
        false: options.batch === false ? httpLink({ url, headers }) : httpBatchLink({ url, headers }),
      }),
    ],
  });
}

export type JobdeckClient = ReturnType<typeof createJobdeckClient>;
