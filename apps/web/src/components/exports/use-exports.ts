import { useInfiniteQuery } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { trpc, type RouterOutputs } from '../../trpc';

/** An export as the list shows it (its search, a JSON value, is not shown). */
export type ExportRow = Omit<RouterOutputs['exports']['list']['items'][number], 'search'>;
interface ExportPage {
  items: ExportRow[];
  nextCursor: string | null;
}
export type ExportAnswer = RouterOutputs['exports']['create'];

const PAGE_SIZE = 25;
const input = { limit: PAGE_SIZE };

/**
 * The exports, newest first, page after page: every 3 s while one of those shown runs (its progress
 * moves), else when asked again (focus, a new export). Keyed under exports.list, so invalidating it refreshes this.
 */
export function useExports() {
  const utils = trpc.useUtils();
  return useInfiniteQuery({
    queryKey: getQueryKey(trpc.exports.list, input, 'infinite'),
    // The rows' saved search is a JSON value whose type is too deep to carry around: the list does not show it.
    queryFn: async ({ pageParam, signal }) =>
      (await utils.client.exports.list.query({ ...input, cursor: pageParam }, { signal })) as unknown as ExportPage,
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.items.some((row) => row.state === 'running')) ? 3_000 : false,
  });
}

/** Starting an export; a background one appears in the list at once. */
export function useCreateExport() {
  const utils = trpc.useUtils();
  return trpc.exports.create.useMutation({ onSuccess: () => void utils.exports.list.invalidate() });
}
