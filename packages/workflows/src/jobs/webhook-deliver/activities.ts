import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import type { ActivityDeps } from '../../runtime/activity-deps';
import { jobContext } from '../../runtime/job-context';
import { redactText } from '../../runtime/redact';
import { OutboundRefusedError } from '../../outbound/errors';
import type { OutboundResponse } from '../../outbound/request';
import { keptResponseBody } from '../../outbound/response-body';
import { signedUrl, signWebhook } from '../../outbound/signature';
import { signingSecret } from '../../outbound/signing-secrets';
import type { webhookDeliverInput } from './index';

export type WebhookDeliverInput = z.output<typeof webhookDeliverInput>;

export interface WebhookDeliveryResult {
  status: number;
  durationMs: number;
  /** At most 1 KiB, secrets redacted: receivers are not trusted to keep tokens out of their answers. */
  responseBody: string;
}

// Only these client errors can succeed later; every other 4xx means the request itself is wrong.
const RETRYABLE_CLIENT_STATUSES = new Set([408, 425, 429]);
// Read enough of a body to parse it as JSON (and so redact it by field) before it is cut to 1 KiB.
const READ_BODY_BYTES = 64 * 1024;

function retryAfterMs(header: string | string[] | undefined): number | undefined {
  if (typeof header !== 'string' || !header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.min(seconds * 1000, 10 * 60_000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.min(date - Date.now(), 10 * 60_000));
}

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
  const timestamp = Math.floor(Date.now() / 1000);
  // The job id, not the attempt: a retry is the same delivery, and receivers dedupe on it.
  const deliveryId = job.jobId;
  await job.progress({
    percent: 10,
    step: 'sending',
    stepsDone: 0,
    stepsTotal: 1,
    message: `POST ${host} (attempt ${job.attempt})`,
  });

  const started = Date.now();
  let response: OutboundResponse;
  try {
    response = await deps.outbound.request({
      url,
      method: 'POST',
      headers: {
        'User-Agent': 'Jobdeck-Webhooks/1.0',
        ...input.headers,
        'Content-Type': 'application/json',
        'X-Jobdeck-Delivery': deliveryId,
        'X-Jobdeck-Timestamp': String(timestamp),
        'X-Jobdeck-Attempt': String(job.attempt),
        'X-Jobdeck-Signature': signWebhook(key.secret, { timestamp, deliveryId, url, body }),
      },
      body,
      // A redirect would be signed for one URL and delivered to another: it fails the delivery instead.
      maxRedirects: 0,
      maxBodyBytes: READ_BODY_BYTES,
      timeoutMs: input.timeoutMs,
      signal: job.signal,
    });
  } catch (error) {
    if (job.signal.aborted) throw error;
    if (error instanceof OutboundRefusedError) {
      await job.log('error', error.message, { rule: error.rule });
      throw ApplicationFailure.nonRetryable(error.message, 'OutboundRefused');
    }
    const reason = (error as Error).message;
    await job.log('warn', `attempt ${job.attempt}: ${host} unreachable: ${reason}`);
    throw ApplicationFailure.retryable(`${host} unreachable: ${reason}`, 'HttpNetworkError');
  }
  const durationMs = Date.now() - started;
  const responseBody = keptResponseBody(response.body, response.truncated);

  if (response.status >= 200 && response.status < 300) {
    await job.progress({
      percent: 100,
      step: 'delivered',
      stepsDone: 1,
      stepsTotal: 1,
      message: `${response.status} in ${durationMs} ms`,
    });
    await job.log('info', `delivered to ${host}: ${response.status} in ${durationMs} ms`, { responseBody });
    return { status: response.status, durationMs, responseBody };
  }

  const answered = `${host} answered ${response.status} ${response.statusText}`.trim();
  if (response.status >= 300 && response.status < 400) {
    const location =
      typeof response.headers.location === 'string' ? redactText(response.headers.location).slice(0, 200) : 'nowhere';
    const message = `${answered}, redirecting to ${location}: webhooks do not follow redirects (the signature covers the URL); configure the final URL`;
    await job.log('error', message, { responseBody });
    throw ApplicationFailure.create({
      message,
      type: 'HttpRedirect',
      nonRetryable: true,
      details: [{ status: response.status }],
    });
  }
  await job.log(response.status >= 500 ? 'warn' : 'error', `attempt ${job.attempt}: ${answered}`, { responseBody });
  if (response.status >= 400 && response.status < 500 && !RETRYABLE_CLIENT_STATUSES.has(response.status)) {
    throw ApplicationFailure.create({
      message: answered,
      type: 'HttpClientError',
      nonRetryable: true,
      details: [{ status: response.status }],
    });
  }
  throw ApplicationFailure.create({
    message: answered,
    type: response.status >= 500 ? 'HttpServerError' : 'HttpThrottled',
    details: [{ status: response.status }],
    nextRetryDelay: retryAfterMs(response.headers['retry-after']),
  });
}
