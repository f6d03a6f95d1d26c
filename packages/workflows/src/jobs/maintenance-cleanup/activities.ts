import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import type { ActivityDeps } from '../../runtime/activity-deps';
import { jobContext } from '../../runtime/job-context';
import { deleteExpiredExports } from '../../export/files';
import { ROLLUP_RETENTION_MS, type RollupGrain } from '../../runtime/rollups';
import type { maintenanceCleanupInput } from './index';
import { fillInputTexts } from './input-text';

export type MaintenanceCleanupInput = z.output<typeof maintenanceCleanupInput>;

export interface CleanupResult {
  cutoff: string;
  jobsDeleted: number;
  logsDeleted: number;
  filesDeleted: number;
  /** Rows of the insight rollups past their grain's retention (ROLLUP_RETENTION_MS), not the records' cut-off. */
  rollupRowsDeleted: number;
  /** Resolved alert firings (with their notifications and reads) and channel tests older than the cut-off. */
  alertHistoryDeleted: number;
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
      await job.log(
        'info',
        `${candidates} jobs and ${oldLogs} further logs older than ${cutoff.toISOString()}${input.dryRun ? ' (dry run)' : ''}`,
      );
      if (input.dryRun) {
        const rollupRowsDeleted = await pruneRollups(deps, true);
        return {
          cutoff: cutoff.toISOString(),
          jobsDeleted: candidates,
          logsDeleted: oldLogs,
          filesDeleted: 0,
          rollupRowsDeleted,
          alertHistoryDeleted: await pruneAlertHistory(deps, cutoff, true),
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
      const rollupRowsDeleted = await pruneRollups(deps, false);
      const alertHistoryDeleted = await pruneAlertHistory(deps, cutoff, false);
      if (alertHistoryDeleted)
        await job.log('info', `${alertHistoryDeleted} alert firings and tests older than the cut-off deleted`);
      const exports = await deleteExpiredExports(deps);
      if (exports.expired)
        await job.log('info', `${exports.expired} exports expired, ${exports.filesDeleted} files deleted`);
      const inputTexts = await fillInputTexts(deps, undefined, job.signal);
      if (inputTexts) await job.log('info', `search text completed with the input of ${inputTexts} older records`);
      await job.progress({
        percent: 100,
        step: 'done',
        stepsDone: jobsDeleted,
        stepsTotal: candidates,
        message: 'retention applied',
      });
      return {
        cutoff: cutoff.toISOString(),
        jobsDeleted,
        logsDeleted,
        filesDeleted,
        rollupRowsDeleted,
        alertHistoryDeleted,
        dryRun: false,
      };
    },
  };
}

/**
 * The rollups are kept per grain, whatever the records' retention: trends and percentiles stay
 * readable after the records are gone. Returns the rows past their grain's retention (deleted unless dryRun).
 */
export async function pruneRollups(
  { db }: Pick<ActivityDeps, 'db'>,
  dryRun: boolean,
  now = Date.now(),
): Promise<number> {
  let rows = 0;
  for (const [grain, keptMs] of Object.entries(ROLLUP_RETENTION_MS) as Array<[RollupGrain, number]>) {
    const old = { grain, bucketStart: { lt: new Date(now - keptMs) } };
    if (dryRun)
      rows += (await db.jobRollup.count({ where: old })) + (await db.jobDurationHistogram.count({ where: old }));
    else
      rows +=
        (await db.jobRollup.deleteMany({ where: old })).count +
        (await db.jobDurationHistogram.deleteMany({ where: old })).count;
  }
  const forgotten = { lastSeenAt: { lt: new Date(now - ROLLUP_RETENTION_MS.day) } };
  rows += dryRun
    ? await db.jobFailureGroup.count({ where: forgotten })
    : (await db.jobFailureGroup.deleteMany({ where: forgotten })).count;
  return rows;
}

/**
 * The alert history follows the records' retention: a firing resolved before the cut-off goes with
 * its notifications and reads (cascade), and so do channel tests. Open firings stay, however old.
 */
export async function pruneAlertHistory(
  { db }: Pick<ActivityDeps, 'db'>,
  cutoff: Date,
  dryRun: boolean,
): Promise<number> {
  const oldFirings = { resolvedAt: { lt: cutoff } };
  const oldTests = { firingId: null, createdAt: { lt: cutoff } };
  if (dryRun)
    return (
      (await db.alertFiring.count({ where: oldFirings })) + (await db.alertNotification.count({ where: oldTests }))
    );
  const firings = await db.alertFiring.deleteMany({ where: oldFirings });
  const tests = await db.alertNotification.deleteMany({ where: oldTests });
  return firings.count + tests.count;
}
