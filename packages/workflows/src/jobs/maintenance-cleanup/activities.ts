import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import type { ActivityDeps } from '../../runtime/activity-deps';
import { jobContext } from '../../runtime/job-context';
import type { maintenanceCleanupInput } from './index';

export type MaintenanceCleanupInput = z.output<typeof maintenanceCleanupInput>;

export interface CleanupResult {
  cutoff: string;
  jobsDeleted: number;
  logsDeleted: number;
  filesDeleted: number;
  /** Minutes of the throughput rollup older than the cut-off. */
  rollupRowsDeleted: number;
  dryRun: boolean;
}

export function cleanupActivities(deps: ActivityDeps) {
  const { db } = deps;
  return {
    async applyRetention(input: MaintenanceCleanupInput): Promise<CleanupResult> {
      const job = jobContext(deps);
      const cutoff = new Date(Date.now() - input.olderThanDays * 86_400_000);
      const expired = { state: { in: input.states }, finishedAt: { lt: cutoff } };
      const candidates = await db.job.count({ where: expired });
      const oldLogs = await db.jobLog.count({ where: { createdAt: { lt: cutoff }, job: { NOT: expired } } });
      const oldRollup = { minute: { lt: cutoff } };
      await job.log(
        'info',
        `${candidates} jobs and ${oldLogs} further logs older than ${cutoff.toISOString()}${input.dryRun ? ' (dry run)' : ''}`,
      );
      if (input.dryRun) {
        const rollupRowsDeleted = await db.jobThroughput.count({ where: oldRollup });
        return {
          cutoff: cutoff.toISOString(),
          jobsDeleted: candidates,
          logsDeleted: oldLogs,
          filesDeleted: 0,
          rollupRowsDeleted,
          dryRun: true,
        };
      }

      let jobsDeleted = 0;
      let filesDeleted = 0;
      // Batches keep each transaction short and give a checkpoint-free retry: deleted rows stay deleted.
      for (;;) {
        job.signal.throwIfAborted();
        const batch = await db.job.findMany({
          where: expired,
          select: { id: true },
          take: input.batchSize,
          orderBy: { finishedAt: 'asc' },
        });
        if (batch.length === 0) break;
        const ids = batch.map((row) => row.id);
        for (const id of ids) {
          for (const file of [
            join(deps.storageDir, 'reports', `${id}.csv`),
            join(deps.storageDir, 'sync', `${id}.jsonl`),
          ]) {
            await rm(file).then(
              () => filesDeleted++,
              () => undefined,
            );
          }
        }
        const { count } = await db.job.deleteMany({ where: { id: { in: ids } } });
        jobsDeleted += count;
        await job.progress({
          percent: candidates ? Math.min(99, (jobsDeleted / candidates) * 90) : 90,
          step: 'jobs',
          stepsDone: jobsDeleted,
          stepsTotal: candidates,
          message: `${jobsDeleted} of ${candidates} job records deleted`,
        });
      }
      const { count: logsDeleted } = await db.jobLog.deleteMany({ where: { createdAt: { lt: cutoff } } });
      const { count: rollupRowsDeleted } = await db.jobThroughput.deleteMany({ where: oldRollup });
      await job.progress({
        percent: 100,
        step: 'done',
        stepsDone: jobsDeleted,
        stepsTotal: candidates,
        message: 'retention applied',
      });
      return { cutoff: cutoff.toISOString(), jobsDeleted, logsDeleted, filesDeleted, rollupRowsDeleted, dryRun: false };
    },
  };
}
