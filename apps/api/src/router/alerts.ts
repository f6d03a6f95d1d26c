import { z } from 'zod';
import { listAlerts } from '../alerts/service';
import { router, viewerProcedure } from '../trpc';

export const alertsRouter = router({
  /** Stuck jobs found by the maintenance.stuck-check schedule: open ones by default, worst first. */
  list: viewerProcedure
    .input(
      z
        .object({ includeResolved: z.boolean().default(false), limit: z.number().int().min(1).max(200).default(50) })
        .strict()
        .default({ includeResolved: false, limit: 50 }),
    )
    .query(({ ctx, input }) => listAlerts(ctx.services, input)),
});
