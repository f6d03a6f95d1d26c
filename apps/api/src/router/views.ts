import { router, viewerProcedure } from '../trpc';
import { createView, deleteView, listViews, updateView, viewById, viewCreate, viewUpdate } from '../views/service';

/** Saved searches: anyone signed in keeps their own; sharing one with everyone needs the operator role. */
export const viewsRouter = router({
  /** The caller's own views and those shared, each saying whether it is the caller's (`mine`). */
  list: viewerProcedure.query(({ ctx }) => listViews(ctx.services, ctx.principal)),

  create: viewerProcedure
    .input(viewCreate)
    .mutation(({ ctx, input }) => createView(ctx.services, ctx.principal, input)),

  update: viewerProcedure
    .input(viewUpdate)
    .mutation(({ ctx, input }) => updateView(ctx.services, ctx.principal, input)),

  delete: viewerProcedure
    .input(viewById)
    .mutation(({ ctx, input }) => deleteView(ctx.services, ctx.principal, input.id)),
});
