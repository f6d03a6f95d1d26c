import type { JobEnvelope } from '../../runtime/envelope';
import { jobActivities, runJob } from '../../sandbox/shell';
import type { MaintenanceStuckCheckInput, stuckCheckActivities } from './activities';

export async function maintenanceStuckCheck(job: JobEnvelope<MaintenanceStuckCheckInput>) {
  const { findStuckJobs } = jobActivities<ReturnType<typeof stuckCheckActivities>>(job);
  return runJob(
    job,
    () => findStuckJobs(job.input),
    (result) =>
      `${result.stuck} stuck (${
        Object.entries(result.bySeverity)
          .filter(([, count]) => count)
          .map(([severity, count]) => `${count} ${severity}`)
          .join(', ') || 'none'
      }), ${result.resolved} resolved`,
  );
}
