import { useInfiniteQuery } from '@tanstack/react-query';
import { FLOW_JOB_TYPE } from '@jobdeck/workflows/vocabulary';
import { getQueryKey } from '@trpc/react-query';
import { trpc, type RouterInputs } from '../trpc';
import { useLiveScope } from './live-scope';

export type FlowListFilter = Pick<Exclude<RouterInputs['flows']['list'], void | undefined>, 'state'>;

const PAGE_SIZE = 25;

/**
 * The flows table, page after page by cursor (not trpc's useInfiniteQuery, for the reason
 * useJobList gives: flows.list's schema is strict). Live: the state changes of the flows shown.
 */
export function useFlowList(filter: FlowListFilter, refetchInterval: number | false) {
  const utils = trpc.useUtils();
  const input = { ...filter, limit: PAGE_SIZE };
  const list = useInfiniteQuery({
    queryKey: getQueryKey(trpc.flows.list, input, 'infinite'),
    queryFn: ({ pageParam, signal }) =>
      utils.client.flows.list.query({ ...input, cursor: pageParam ?? undefined }, { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    refetchInterval,
    placeholderData: (previous) => previous,
  });
  const ids = list.data?.pages.flatMap((page) => page.items.map((item) => item.id)) ?? [];
  useLiveScope({ ...(ids.length ? { jobIds: ids.slice(0, 200) } : {}), type: FLOW_JOB_TYPE, kinds: ['state'] });
  return list;
}
