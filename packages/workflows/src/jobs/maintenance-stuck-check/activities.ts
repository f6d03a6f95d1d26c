import type { z } from 'zod';
import type { ActivityDeps } from '../../runtime/activity-deps';
import { jobContext } from '../../runtime/job-context';
import { FLOW_JOB_TYPE } from '../../runtime/flow-vocabulary';
import { LIVE_STATES } from '../../runtime/states';
import type { maintenanceStuckCheckInput } from './index';

export type MaintenanceStuckCheckInput = z.output<typeof maintenanceStuckCheckInput>;
export type StuckSeverity = 'low' | 'medium' | 'high' | 'critical';

const MINUTE = 60_000;

/**
 * How bad a silence is: low from the threshold (10 min by default) to 30 min, medium to 1 h,
 * high to 2 h, critical beyond. Null when the job is not stuck yet.
 */
export function stuckSeverity(idleMs: number, thresholdMs = 10 * MINUTE): StuckSeverity | null {
  if (!(idleMs >= thresholdMs)) return null;
  if (idleMs < 30 * MINUTE) return 'low';
  if (idleMs < 60 * MINUTE) return 'medium';
  if (idleMs < 120 * MINUTE) return 'high';
  return 'critical';
}

/** The last sign of life of a running job: its latest heartbeat, record update or start. */
export function lastSignOfLife(job: {
  lastHeartbeatAt: Date | null;
  updatedAt: Date | null;
  startedAt: Date | null;
  createdAt: Date;
}): Date {
  const times = [job.lastHeartbeatAt, job.updatedAt, job.startedAt].filter(
    (time): time is Date => time instanceof Date,
  );
  return new Date(Math.max(job.createdAt.getTime(), ...times.map((time) => time.getTime())));
}

/**
 * Job types that wait on other jobs rather than work: a flow (flow.run) runs no activity of its own while
 * its nodes run or while it waits for a retry of a failed node, for hours if need be. Its silence is its
 * children's to tell, and they are checked themselves.
 */
export const WAITING_JOB_TYPES: readonly string[] = [FLOW_JOB_TYPE];

/**
 * Whether a quiet job is only waiting on others: a flow, or any job with a child job still running (a
 * job that called runChildJob, such as webhook.broadcast, waits on its children, not stuck).
 */
export function waitsOnOtherJobs(job: { type: string }, hasLiveChildren: boolean): boolean {
  return WAITING_JOB_TYPES.includes(job.type) || hasLiveChildren;
}

export interface StuckCheckResult {
  checked: number;
  stuck: number;
  bySeverity: Record<StuckSeverity, number>;
  resolved: number;
}

export function stuckCheckActivities(deps: ActivityDeps) {
  const { db } = deps;
  return {
    async findStuckJobs(input: MaintenanceStuckCheckInput): Promise<StuckCheckResult> {
      const job = jobContext(deps);
      const now = new Date();
      const thresholdMs = input.thresholdMinutes * MINUTE;
      const cutoff = new Date(now.getTime() - thresholdMs);
      // updatedAt moves with every progress report, heartbeat and state change: quiet since the cutoff means stuck.
      const candidates = await db.job.findMany({
        where: {
          state: { in: ['active', 'retrying'] },
          updatedAt: { lt: cutoff },
          type: { notIn: [...WAITING_JOB_TYPES] },
        },
        select: {
          id: true,
          type: true,
          state: true,
          lastHeartbeatAt: true,
          updatedAt: true,
          startedAt: true,
          createdAt: true,
        },
        orderBy: { updatedAt: 'asc' },
        take: input.limit,
      });
      // A parent waiting on a running child job is waiting, not stuck (one query for all the candidates).
      const parents = await db.job.findMany({
        where: { parentId: { in: candidates.map((candidate) => candidate.id) }, state: { in: [...LIVE_STATES] } },
        select: { parentId: true },
        distinct: ['parentId'],
      });
      const waiting = new Set(parents.map((row) => row.parentId));
      const bySeverity: Record<StuckSeverity, number> = { low: 0, medium: 0, high: 0, critical: 0 };
      const stuckIds: string[] = [];
      for (const candidate of candidates) {
        if (waitsOnOtherJobs(candidate, waiting.has(candidate.id))) continue;
        const idleSince = lastSignOfLife(candidate);
        const idleMs = now.getTime() - idleSince.getTime();
        const severity = stuckSeverity(idleMs, thresholdMs);
        if (!severity) continue;
        stuckIds.push(candidate.id);
        bySeverity[severity] += 1;
        const minutes = Math.round(idleMs / MINUTE);
        const message = `${candidate.type} job ${candidate.state} without heartbeat or progress for ${minutes} min`;
        await db.jobAlert.upsert({
          where: { jobId: candidate.id },
          create: {
            jobId: candidate.id,
            kind: 'stuck',
            severity,
            message,
            idleSince,
            firstSeenAt: now,
            lastSeenAt: now,
          },
          // A job that was resolved and is stuck again opens the alert again.
          update: { kind: 'stuck', severity, message, idleSince, lastSeenAt: now, resolvedAt: null },
        });
      }
      // Every open stuck alert whose job is not stuck any more (finished, moving again, deleted) is resolved;
      // other kinds (bookkeeping) are someone else's to resolve.
      const { count: resolved } = await db.jobAlert.updateMany({
        where: { resolvedAt: null, kind: 'stuck', jobId: { notIn: stuckIds } },
        data: { resolvedAt: now },
      });
      await job.progress({
        percent: 100,
        step: 'done',
        stepsDone: candidates.length,
        stepsTotal: candidates.length,
        message: `${stuckIds.length} stuck jobs`,
      });
      if (stuckIds.length) await job.log('warn', `${stuckIds.length} stuck jobs`, { bySeverity });
      return { checked: candidates.length, stuck: stuckIds.length, bySeverity, resolved };
    },
  };
}
