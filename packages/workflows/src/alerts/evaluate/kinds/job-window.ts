import type { ActivityDeps } from '../../../runtime/activity-deps';
import type { Observation } from './types';

/**
 * The finished jobs failure_rate and failure_count read: records whose finishedAt is in the window,
 * of a job type, a queue, both or all. A failure is a job that `failed` or `timed_out`; `completed`
 * is a success; `cancelled` and `terminated` are someone's decision, not a failure, and count in
 * neither. A record a retry superseded (jobs.retry with supersede) is left out, as jobs.stats does:
 * the job counts once, by its latest run.
 */
export const FAILURE_STATES = ['failed', 'timed_out'] as const;

export interface JobScope {
  type?: string;
  queue?: string;
}

export async function finishedInWindow(
  deps: Pick<ActivityDeps, 'db'>,
  scope: JobScope,
  since: Date,
): Promise<{ failed: number; finished: number }> {
  const groups = await deps.db.job.groupBy({
    by: ['state'],
    where: {
      finishedAt: { gte: since },
      state: { in: ['completed', ...FAILURE_STATES] },
      supersededAt: null,
      ...(scope.type && { type: scope.type }),
      ...(scope.queue && { queue: scope.queue }),
    },
    _count: { _all: true },
  });
  const failed = groups
    .filter((group) => (FAILURE_STATES as readonly string[]).includes(group.state))
    .reduce((sum, group) => sum + group._count._all, 0);
  const finished = groups.reduce((sum, group) => sum + group._count._all, 0);
  return { failed, finished };
}

/** "report.generate on queue reports", "queue reports", "report.generate", or "all jobs". */
export function scopeWords(scope: JobScope): string {
  if (scope.type && scope.queue) return `${scope.type} on queue ${scope.queue}`;
  if (scope.type) return scope.type;
  if (scope.queue) return `queue ${scope.queue}`;
  return 'all jobs';
}

/** The facts that say what a rule looks at. */
export function scopeFacts(scope: JobScope): Observation['facts'] {
  return [
    ...(scope.type ? [{ label: 'Job type', value: scope.type }] : []),
    ...(scope.queue ? [{ label: 'Queue', value: scope.queue }] : []),
  ];
}

export function windowStart(now: Date, windowMinutes: number): Date {
  return new Date(now.getTime() - windowMinutes * 60_000);
}
