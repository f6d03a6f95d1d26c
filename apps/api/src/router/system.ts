import { systemHealth, systemInfo } from '../system/service';
import { router, viewerProcedure } from '../trpc';

export const systemRouter = router({
  health: viewerProcedure.query(({ ctx }) => systemHealth(ctx.services)),
  /** What the dashboard needs to link out: the Temporal UI and namespace. */
  info: viewerProcedure.query(({ ctx }) => systemInfo(ctx.services)),
});
