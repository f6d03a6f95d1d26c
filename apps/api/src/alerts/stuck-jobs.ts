import type { Services } from '../services';

const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3 } as const;

/** Stuck jobs found by the maintenance.stuck-check schedule: open ones by default, worst first. */
export async function listAlerts(services: Services, request: { includeResolved: boolean; limit: number }) {
  const alerts = await services.db.jobAlert.findMany({
    where: request.includeResolved ? {} : { resolvedAt: null },
    include: { job: { select: { type: true, queue: true, state: true } } },
    orderBy: { idleSince: 'asc' },
    take: request.limit,
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
}
