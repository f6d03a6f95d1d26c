import { trpc } from '../../trpc';

/** The caller's saved views and those shared with everyone. */
export function useViews() {
  return trpc.views.list.useQuery(undefined, { staleTime: 30_000 });
}

/** Create, rename or re-share, delete: each refreshes the list when done. */
export function useViewMutations() {
  const utils = trpc.useUtils();
  const onSuccess = () => void utils.views.list.invalidate();
  return {
    create: trpc.views.create.useMutation({ onSuccess }),
    update: trpc.views.update.useMutation({ onSuccess }),
    remove: trpc.views.delete.useMutation({ onSuccess }),
  };
}
