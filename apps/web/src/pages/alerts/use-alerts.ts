import { useInfiniteQuery } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { usePollInterval } from '../../live';
import { trpc } from '../../trpc';

/**
 * The Alerts page's data, one hook per resource. Alert events (the bell's stream) invalidate these;
 * the slow poll is the net for a missed event and for "last evaluated" moving every minute.
 */

export function useAlertRules() {
  const refetchInterval = usePollInterval(true, { polling: 30_000, live: 60_000 });
  return trpc.alerts.rules.list.useQuery(undefined, { refetchInterval });
}

export function useAlertChannels() {
  return trpc.alerts.channels.list.useQuery(undefined, { refetchInterval: 60_000 });
}

export function useRuleMutations() {
  const utils = trpc.useUtils();
  const onSuccess = () => void utils.alerts.invalidate();
  return {
    create: trpc.alerts.rules.create.useMutation({ onSuccess }),
    update: trpc.alerts.rules.update.useMutation({ onSuccess }),
    remove: trpc.alerts.rules.delete.useMutation({ onSuccess }),
    setEnabled: trpc.alerts.rules.setEnabled.useMutation({ onSuccess }),
    unsilence: trpc.alerts.rules.unsilence.useMutation({ onSuccess }),
    evaluate: trpc.alerts.rules.evaluate.useMutation({
      // The evaluation is a job: its firings show a moment later (alert events, or these refetches).
      onSuccess: () => {
        for (const ms of [2_000, 6_000]) setTimeout(onSuccess, ms);
      },
    }),
  };
}

export function useChannelMutations() {
  const utils = trpc.useUtils();
  const onSuccess = () => void utils.alerts.invalidate();
  return {
    create: trpc.alerts.channels.create.useMutation({ onSuccess }),
    update: trpc.alerts.channels.update.useMutation({ onSuccess }),
    remove: trpc.alerts.channels.delete.useMutation({ onSuccess }),
    test: trpc.alerts.channels.test.useMutation({ onSuccess: () => setTimeout(onSuccess, 3_000) }),
  };
}

const PAGE_SIZE = 50;

/**
 * The history of firings, newest first, page by page. Not trpc's own useInfiniteQuery: it adds a
 * `direction` key a strict input refuses. Keyed under alerts.firings.list, so invalidating it refreshes this.
 */
export function useFirings(filter: { open?: boolean; ruleId?: string }) {
  const utils = trpc.useUtils();
  const input = { ...filter, limit: PAGE_SIZE };
  return useInfiniteQuery({
    queryKey: getQueryKey(trpc.alerts.firings.list, input, 'infinite'),
    queryFn: ({ pageParam, signal }) =>
      utils.client.alerts.firings.list.query({ ...input, cursor: pageParam ?? undefined }, { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    refetchInterval: 60_000,
    placeholderData: (previous) => previous,
  });
}
