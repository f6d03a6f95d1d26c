import { z } from 'zod';
import { exportRequest } from '@jobdeck/workflows/export';
import { createExport, getExport, listExports } from '../exports/service';
import { router, viewerProcedure } from '../trpc';

const exportId = z.uuid('id is an export id');

export const exportsRouter = router({
  /**
   * Up to 10,000 jobs: a download link (`/exports/download?ticket=…`, five minutes, for the caller
   * only). More: a jobs.export job writes the file (operators and admins), answered with its ids.
   */
  create: viewerProcedure
    .input(exportRequest)
    .mutation(({ ctx, input }) => createExport(ctx.services, ctx.principal, input)),

  /** The caller's exports, newest first (an admin's: everyone's), each with its download link while it works. */
  list: viewerProcedure
    .input(
      z
        .object({ limit: z.number().int().min(1).max(100).default(25), cursor: exportId.nullish() })
        .strict()
        .default({ limit: 25 }),
    )
    .query(({ ctx, input }) => listExports(ctx.services, ctx.principal, input)),

  get: viewerProcedure
    .input(z.object({ id: exportId }).strict())
    .query(({ ctx, input }) => getExport(ctx.services, ctx.principal, input.id)),
});
