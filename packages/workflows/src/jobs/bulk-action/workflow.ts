import type { JobEnvelope } from '../../runtime/envelope';
import { jobActivities, runJob } from '../../sandbox/shell';
import type { BulkActionInput, bulkActivities } from './activities';

export async function bulkAction(job: JobEnvelope<BulkActionInput>) {
  const { applyBulkAction } = jobActivities<ReturnType<typeof bulkActivities>>(job);
  // Whoever enqueued the bulk action, as the server recorded them: each retry is allowed or refused for them.
  const actor = { name: job.requestedBy, role: job.requestedByRole ?? 'operator' };
  return runJob(
    job,
    () => applyBulkAction(job.input, actor),
    (result) =>
      `${result.action}: ${result.done} done, ${result.skipped} skipped, ${result.failed} failed of ${result.total}`,
  );
}
