import type { JobEnvelope } from '../../runtime/envelope';
import { jobActivities, runJob } from '../../sandbox/shell';
import type { AlertsNotifyInput, alertsNotifyActivities } from './activities';

export async function alertsNotify(job: JobEnvelope<AlertsNotifyInput>) {
  const { deliverNotification } = jobActivities<ReturnType<typeof alertsNotifyActivities>>(job);
  return runJob(
    job,
    () => deliverNotification(job.input),
    (result) => result.summary,
  );
}
