import { defineJob } from '../../runtime/define-job';
import { bulkRequest } from '../../control/bulk';
import { bulkActivities } from './activities';

/** Large bulk actions (retries, cancels, deletes, guided reruns) run as a job of their own: durable, with progress, cancellable. */
export default defineJob(import.meta.url, {
  type: 'bulk.action',
  description:
    'Retries, cancels, deletes (admin), reruns from a step, retries pending activities now or starts copies of many jobs (by ids, a filter or a search), with a result per job; started by jobs.bulk for large selections.',
  queue: 'control',
  concurrency: 2,
  input: bulkRequest,
  example: { action: 'cancel', filter: { state: 'waiting', queue: 'reports' } },
  retry: { maxAttempts: 5, initialIntervalMs: 2_000, backoffCoefficient: 2, maximumIntervalMs: 60_000 },
  timeouts: { activityStartToCloseMs: 60 * 60_000, heartbeatMs: 30_000 },
  activities: bulkActivities,
});
