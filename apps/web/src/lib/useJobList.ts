import { useInfiniteQuery } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { trpc, type RouterInputs } from '../trpc';
import { useLiveScope } from './live-scope';

export type JobFilter = Pick<
  Exclude<RouterInputs['jobs']['list'], void | undefined>,
  'state' | 'bucket' | 'type' | 'queue'
>;

/** The jobs page's filter: JobFilter, and whether superseded originals are shown (they are not by default). */
export type JobListFilter = JobFilter & { superseded?: 'shown' };

/** Whether the filter narrows the list at all. */
export function hasFilter(filter: JobFilter): boolean {
  return !!(filter.state || filter.bucket || filter.type || filter.queue);
}

const PAGE_SIZE = 25;

/**
 * The jobs table, page after page by cursor. Not trpc's own useInfiniteQuery: that adds a
 * `direction` key to the input, which jobs.list (a strict schema) refuses. The key still starts
 * with jobs.list, so invalidating jobs.list refreshes this too.
 */
export function useJobList({ superseded, ...filter }: JobListFilter, refetchInterval: number | false) {
  const utils = trpc.useUtils();
  const input = { ...filter, ...(superseded ? { includeSuperseded: true } : {}), limit: PAGE_SIZE };
  const list = useInfiniteQuery({
    queryKey: getQueryKey(trpc.jobs.list, input, 'infinite'),
    queryFn: ({ pageParam, signal }) =>
      utils.client.jobs.list.query({ ...input, cursor: pageParam ?? undefined }, { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    refetchInterval,
    placeholderData: (previous) => previous,
  });
  // Live: everything about the rows shown (progress bars), and the state changes of the filter's
  // jobs, so that a new or finished job moves the table without a refetch every few seconds.
  const ids = list.data?.pages.flatMap((page) => page.items.map((item) => item.id)) ?? [];
  useLiveScope({
    ...(ids.length ? { jobIds: ids.slice(0, 200) } : {}),
    queue: filter.queue,
    type: filter.type,
    kinds: ['state'],
  });
  return list;
}
