import { createTRPCClient, httpBatchLink, httpLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { EventSource } from 'eventsource';
import type { AppRouter } from './router';

export type { AppRouter } from './router';
export type { EnqueueRequest, EnqueueOptions, EnqueueResult } from './jobs/enqueue';

export interface JobdeckLinkOptions {
  /** The tRPC endpoint: `http://127.0.0.1:4000/trpc`, or `/trpc` on the dashboard's origin. */
  url: string;
  /** Headers for every call, the subscription's included: typically Authorization. */
  headers: () => Record<string, string>;
  /** Batch concurrent calls into one HTTP request (default true). */
  batch?: boolean;
  maxURLLength?: number;
}

/**
 * The links every Jobdeck client uses, the dashboard's too. Subscriptions stream over fetch (the
 * `eventsource` package) so that the token travels as a header, never in a URL where proxies log
 * it; Node 20 and browsers' own EventSource could not send it.
 */
export function jobdeckLinks({ url, headers, batch = true, maxURLLength }: JobdeckLinkOptions) {
  return [
    splitLink<AppRouter>({
      condition: (op) => op.type === 'subscription',
      true: httpSubscriptionLink({
        url,
        EventSource,
        eventSourceOptions: () => ({
          fetch: (input: string | URL | Request, init?: RequestInit) =>
            fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers() } }),
        }),
      }),
      false: batch ? httpBatchLink({ url, headers, maxURLLength }) : httpLink({ url, headers }),
    }),
  ];
}

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
  const token = () => (typeof options.token === 'function' ? options.token() : options.token) ?? undefined;
  const headers = (): Record<string, string> => {
    const value = token();
    return value ? { Authorization: `Bearer ${value}` } : {};
  };
  return createTRPCClient<AppRouter>({
    links: jobdeckLinks({ url: `${options.url.replace(/\/$/, '')}/trpc`, headers, batch: options.batch }),
  });
}

export type JobdeckClient = ReturnType<typeof createJobdeckClient>;
