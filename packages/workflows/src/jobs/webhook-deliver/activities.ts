import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import type { ActivityDeps } from '../../runtime/activity-deps';
import { jobContext } from '../../runtime/job-context';
import { signedUrl } from '../../outbound/signature';
import { signingSecret } from '../../outbound/signing-secrets';
import type { webhookDeliverInput } from './index';
import { postDelivery, signatureHeaders, type PostResult } from './post';

export type WebhookDeliverInput = z.output<typeof webhookDeliverInput>;

export type WebhookDeliveryResult = PostResult;

/** How often a delivery tells Temporal it is alive (the job's heartbeat timeout is a few times this). */
export const DELIVERY_HEARTBEAT_MS = 1_000;

export function webhookActivities(deps: ActivityDeps) {
  return {
    async deliverWebhook(input: WebhookDeliverInput): Promise<WebhookDeliveryResult> {
      // Heartbeats for as long as the attempt runs (the request in flight included): a worker that
      // dies mid-delivery is noticed within the heartbeat timeout, not the 75 s start-to-close.
      const ctx = Context.current();
      const beat = setInterval(() => ctx.heartbeat(), DELIVERY_HEARTBEAT_MS);
      try {
        return await deliver(deps, input);
      } finally {
        clearInterval(beat);
      }
    },
  };
}

async function deliver(deps: ActivityDeps, input: WebhookDeliverInput): Promise<WebhookDeliveryResult> {
  const job = jobContext(deps);
  const key = signingSecret(deps.webhookSecrets, input.secretName);
  if ('problem' in key) {
    await job.log('error', key.problem);
    throw ApplicationFailure.nonRetryable(key.problem, 'ConfigurationError');
  }
  const url = signedUrl(input.url);
  const host = new URL(url).host;
  const body = JSON.stringify(input.payload);
  await job.progress({
    percent: 10,
    step: 'sending',
    stepsDone: 0,
    stepsTotal: 1,
    message: `POST ${host} (attempt ${job.attempt})`,
  });

  const result = await postDelivery(deps, job, {
    url,
    headers: {
      'User-Agent': 'Jobdeck-Webhooks/1.0',
      ...input.headers,
      // The job id, not the attempt: a retry is the same delivery, and receivers dedupe on it.
      ...signatureHeaders(key.secret, { url, body, deliveryId: job.jobId, attempt: job.attempt }),
    },
    body,
    timeoutMs: input.timeoutMs,
  });
  await job.progress({
    percent: 100,
    step: 'delivered',
    stepsDone: 1,
    stepsTotal: 1,
    message: `${result.status} in ${result.durationMs} ms`,
  });
  await job.log('info', `delivered to ${host}: ${result.status} in ${result.durationMs} ms`, {
    responseBody: result.responseBody,
  });
  return result;
}
