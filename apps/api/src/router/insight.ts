import { insightFailures } from '../insight/failures';
import { machineInsight } from '../insight/machines';
import { insightOverview } from '../insight/overview';
import { insightPerformance } from '../insight/performance';
import { insightTrends } from '../insight/trends';
import { windowInput } from '../insight/window';
import { router, viewerProcedure } from '../trpc';

// Every read is of the rollups (a few hundred rows whatever the number of jobs): see README "Insight".
export const insightRouter = router({
  /** Jobs ended per bucket and outcome, success rate and throughput, each against the previous window. */
  trends: viewerProcedure.input(windowInput).query(({ ctx, input }) => insightTrends(ctx.services, input)),

  /** Run and wait times (count, avg, min, max, p50/p95/p99) per type and queue, retries, the slowest jobs. */
  performance: viewerProcedure.input(windowInput).query(({ ctx, input }) => insightPerformance(ctx.services, input)),

  /** Unsuccessful jobs grouped by cause, the failing types, and advice with its evidence. */
  failures: viewerProcedure.input(windowInput).query(({ ctx, input }) => insightFailures(ctx.services, input)),

  /** Each job type's last 24 hours and its schedules' next runs: the overview's cards. */
  overview: viewerProcedure.query(({ ctx }) => insightOverview(ctx.services)),

  /** Queues from Temporal (backlog, rates, pollers), worker processes, Redis and Postgres, each with a short history. */
  machines: viewerProcedure.query(({ ctx }) => machineInsight(ctx.services)),
});
