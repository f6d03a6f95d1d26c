import type { JobEnvelope } from '../../runtime/envelope';
import { jobActivities, runJob } from '../../sandbox/shell';
import type { MaintenanceReconcileInput, reconcileActivities } from './activities';

export async function maintenanceReconcile(job: JobEnvelope<MaintenanceReconcileInput>) {
  const { reconcileRecords } = jobActivities<ReturnType<typeof reconcileActivities>>(job);
  return runJob(
    job,
    () => reconcileRecords(job.input),
    (result) =>
      `${result.compared} compared, ${result.ended} ended, ${result.created} created, ${result.deletedInTemporal} deleted in Temporal`,
  );
}
