import type { JobEnvelope } from '../../runtime/envelope';
import { jobActivities, runJob } from '../../runtime/workflow';
import type { BulkActionInput, bulkActivities } from './activities';

export async function bulkAction(job: JobEnvelope<BulkActionInput>) {
  const { applyBulkAction } = jobActivities<ReturnType<typeof bulkActivities>>(job);
  return runJob(job, () => applyBulkAction(job.input), (result) =>
    `${result.action}: ${result.done} done, ${result.skipped} skipped, ${result.failed} failed of ${result.total}`,
  );
}
