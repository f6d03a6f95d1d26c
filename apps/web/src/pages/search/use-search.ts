import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { trpc } from '../../trpc';
import type { JobSearch } from './search-types';

const PAGE_SIZE = 50;

/**
 * The search's rows, page after page by keyset cursor ("Load more"). Not trpc's own useInfiniteQuery,
 * which adds a `direction` key the strict input refuses (as in lib/useJobList). The total comes with
 * the first page only. A refused search (400) is not asked again until it changes.
 */
export function useSearchResults(search: JobSearch, refetchInterval: number | false = false) {
  const utils = trpc.useUtils();
  const input = { search, limit: PAGE_SIZE };
  return useInfiniteQuery({
    queryKey: getQueryKey(trpc.jobs.search, input, 'infinite'),
    queryFn: ({ pageParam, signal }) => utils.client.jobs.search.query({ ...input, cursor: pageParam }, { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    refetchInterval,
    refetchOnWindowFocus: false,
  });
}
