import { createHmac } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import type { ActivityDeps } from '../../runtime/activity-deps';
import { jobContext } from '../../runtime/job-context';
import type { webhookDeliverInput } from './index';

export type WebhookDeliverInput = z.output<typeof webhookDeliverInput>;

export interface WebhookDeliveryResult {
  status: number;
  durationMs: number;
  responseBody: string;
}

const SIGNATURE_HEADER = 'X-Jobdeck-Signature';

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the receiver recomputes it with the
 * shared secret and rejects old timestamps, which stops replays.
 */
export function signPayload(secret: string, timestamp: number, body: string): string {
  const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${digest}`;
}

// Only these client errors can succeed later; every other 4xx means the request itself is wrong.
const RETRYABLE_CLIENT_STATUSES = new Set([408, 425, 429]);

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.min(seconds * 1000, 10 * 60_000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.min(date - Date.now(), 10 * 60_000));
}

export function webhookActivities(deps: ActivityDeps) {
  return {
    async deliverWebhook(input: WebhookDeliverInput): Promise<WebhookDeliveryResult> {
      const job = jobContext(deps);
      // The secret lives only in the worker's environment, never in the job input or history.
      const secret = process.env.JOBDECK_WEBHOOK_SECRET;
      if (!secret) {
        throw ApplicationFailure.nonRetryable('JOBDECK_WEBHOOK_SECRET is not set on the worker', 'ConfigurationError');
      }
      const body = JSON.stringify(input.payload);
      const timestamp = Math.floor(Date.now() / 1000);
      const host = new URL(input.url).host;
      await job.progress({ percent: 10, step: 'sending', stepsDone: 0, stepsTotal: 1, message: `POST ${host} (attempt ${job.attempt})` });

      const started = Date.now();
      let response: Response;
      try {
        response = await fetch(input.url, {
          method: 'POST',
          headers: {
            ...input.headers,
            'Content-Type': 'application/json',
            'User-Agent': 'Jobdeck-Webhooks/1.0',
            'X-Jobdeck-Delivery': job.jobId,
            'X-Jobdeck-Timestamp': String(timestamp),
            [SIGNATURE_HEADER]: signPayload(secret, timestamp, body),
          },
          body,
          redirect: 'manual',
          signal: AbortSignal.any([job.signal, AbortSignal.timeout(input.timeoutMs)]),
        });
      } catch (error) {
        if (job.signal.aborted) throw error;
        const reason = (error as Error).name === 'TimeoutError' ? `timed out after ${input.timeoutMs} ms` : (error as Error).message;
        await job.log('warn', `attempt ${job.attempt}: ${host} unreachable: ${reason}`);
        throw ApplicationFailure.retryable(`${host} unreachable: ${reason}`, 'HttpNetworkError');
      }
      const durationMs = Date.now() - started;
      const responseBody = (await response.text().catch(() => '')).slice(0, 1024);

      if (response.status >= 200 && response.status < 300) {
        await job.progress({ percent: 100, step: 'delivered', stepsDone: 1, stepsTotal: 1, message: `${response.status} in ${durationMs} ms` });
        await job.log('info', `delivered to ${host}: ${response.status} in ${durationMs} ms`);
        return { status: response.status, durationMs, responseBody };
      }

      const message = `${host} answered ${response.status} ${response.statusText}`.trim();
      await job.log(response.status >= 500 ? 'warn' : 'error', `attempt ${job.attempt}: ${message}`, { responseBody });
      if (response.status >= 400 && response.status < 500 && !RETRYABLE_CLIENT_STATUSES.has(response.status)) {
        throw ApplicationFailure.create({ message, type: 'HttpClientError', nonRetryable: true, details: [{ status: response.status }] });
      }
      throw ApplicationFailure.create({
        message,
        type: response.status >= 500 ? 'HttpServerError' : 'HttpThrottled',
        details: [{ status: response.status }],
        nextRetryDelay: retryAfterMs(response.headers.get('retry-after')),
      });
    },
  };
}
