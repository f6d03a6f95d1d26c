import type { JobEnvelope } from '../../runtime/envelope';
import { jobActivities, runJob } from '../../sandbox/shell';
import type { MaintenanceCleanupInput, cleanupActivities } from './activities';

export async function maintenanceCleanup(job: JobEnvelope<MaintenanceCleanupInput>) {
  const { applyRetention } = jobActivities<ReturnType<typeof cleanupActivities>>(job);
  return runJob(
    job,
    () => applyRetention(job.input),
    (result) =>
      `${result.dryRun ? 'would delete' : 'deleted'} ${result.jobsDeleted} jobs, ${result.logsDeleted} logs, ${result.filesDeleted} files`,
  );
}
