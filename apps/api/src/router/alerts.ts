import { z } from 'zod';
import { router, viewerProcedure } from '../trpc';

const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3 } as const;

export const alertsRouter = router({
  /** Stuck jobs found by the maintenance.stuck-check schedule: open ones by default, worst first. */
  list: viewerProcedure
    .input(
      z
        .object({ includeResolved: z.boolean().default(false), limit: z.number().int().min(1).max(200).default(50) })
        .strict()
        .default({ includeResolved: false, limit: 50 }),
    )
    .query(async ({ ctx, input }) => {
      const alerts = await ctx.services.db.jobAlert.findMany({
        where: input.includeResolved ? {} : { resolvedAt: null },
        include: { job: { select: { type: true, queue: true, state: true } } },
        orderBy: { idleSince: 'asc' },
        take: input.limit,
      });
      return alerts
        .map((alert) => ({
          id: alert.id,
          jobId: alert.jobId,
          kind: alert.kind,
          severity: alert.severity,
          message: alert.message,
          jobType: alert.job.type,
          queue: alert.job.queue,
          jobState: alert.job.state,
          idleSince: alert.idleSince.toISOString(),
          firstSeenAt: alert.firstSeenAt.toISOString(),
          lastSeenAt: alert.lastSeenAt.toISOString(),
          resolvedAt: alert.resolvedAt?.toISOString() ?? null,
        }))
        .sort(
          (a, b) =>
            Number(a.resolvedAt !== null) - Number(b.resolvedAt !== null) ||
            SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity],
        );
    }),
});
