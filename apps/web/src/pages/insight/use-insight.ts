import { keepPreviousData } from '@tanstack/react-query';
import { trpc } from '../../trpc';
import type { WindowInput } from './insight-filter';

/** Past windows change slowly: asked again every 30 s, and the previous answer stays shown while a new window loads. */
const WINDOW_QUERY = {
  refetchInterval: 30_000,
  placeholderData: keepPreviousData,
  refetchOnWindowFocus: false,
} as const;

// A custom window without its range asks nothing (input null): the placeholder input is never sent.
const NONE: WindowInput = { window: '24h' };

export function useTrends(input: WindowInput | null) {
  return trpc.insight.trends.useQuery(input ?? NONE, { ...WINDOW_QUERY, enabled: !!input });
}

export function usePerformance(input: WindowInput | null) {
  return trpc.insight.performance.useQuery(input ?? NONE, { ...WINDOW_QUERY, enabled: !!input });
}

export function useFailures(input: WindowInput | null) {
  return trpc.insight.failures.useQuery(input ?? NONE, { ...WINDOW_QUERY, enabled: !!input });
}

/** Queues, workers, Redis and Postgres: every 5 s while the page is visible (react-query pauses in a hidden tab). */
export function useMachines() {
  return trpc.insight.machines.useQuery(undefined, { refetchInterval: 5_000, refetchOnWindowFocus: true });
}

/** After a group was retried: the figures move as the retries run and end. */
export function useInvalidateInsight() {
  const utils = trpc.useUtils();
  return () => {
    const run = () => void utils.insight.invalidate();
    run();
    for (const ms of [2_000, 6_000]) setTimeout(run, ms);
  };
}
