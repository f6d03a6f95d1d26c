import type { JobEnvelope } from '../../runtime/envelope';
import { jobActivities, runJob } from '../../sandbox/shell';
import type { WebhookDeliverInput, webhookActivities } from './activities';

export async function webhookDeliver(job: JobEnvelope<WebhookDeliverInput>) {
  const { deliverWebhook } = jobActivities<ReturnType<typeof webhookActivities>>(job);
  return runJob(
    job,
    () => deliverWebhook(job.input),
    (result) => `HTTP ${result.status} in ${result.durationMs} ms`,
  );
}
