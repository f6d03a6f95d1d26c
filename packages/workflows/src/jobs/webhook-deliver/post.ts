import { ApplicationFailure } from '@temporalio/common';
import type { ActivityDeps } from '../../runtime/activity-deps';
import type { JobContext } from '../../runtime/job-context';
import { redactText } from '../../runtime/redact';
import { OutboundRefusedError } from '../../outbound/errors';
import type { OutboundResponse } from '../../outbound/request';
import { keptResponseBody } from '../../outbound/response-body';
import { signWebhook } from '../../outbound/signature';

/**
 * One POST of a delivery through the outbound policy, and how its outcome is classified for
 * Temporal's retries: shared by webhook.deliver and the alert channels (alerts.notify).
 */

export interface PostResult {
  status: number;
  durationMs: number;
  /** At most 1 KiB, secrets redacted: receivers are not trusted to keep tokens out of their answers. */
  responseBody: string;
}

export interface PostRequest {
  /** Already normalised (signedUrl) when signed. */
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
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

/** The headers a signed delivery carries, as receivers verify them (README "Verifying webhook signatures"). */
export function signatureHeaders(
  secret: string,
  delivery: { url: string; body: string; deliveryId: string; attempt: number },
): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    'Content-Type': 'application/json',
    'X-Jobdeck-Delivery': delivery.deliveryId,
    'X-Jobdeck-Timestamp': String(timestamp),
    'X-Jobdeck-Attempt': String(delivery.attempt),
    'X-Jobdeck-Signature': signWebhook(secret, { timestamp, ...delivery }),
  };
}

/**
 * POSTs and answers the 2xx; throws an ApplicationFailure typed for the job's nonRetryableErrors
 * otherwise: OutboundRefused, HttpRedirect and HttpClientError give up, the rest is retried. Logs name
 * the host only: a URL's path can be its credential (a Slack incoming webhook).
 */
export async function postDelivery(deps: ActivityDeps, job: JobContext, request: PostRequest): Promise<PostResult> {
  const host = new URL(request.url).host;
  const started = Date.now();
  let response: OutboundResponse;
  try {
    response = await deps.outbound.request({
      url: request.url,
      method: 'POST',
      headers: request.headers,
      body: request.body,
      // A redirect would be signed for one URL and delivered to another: it fails the delivery instead.
      maxRedirects: 0,
      maxBodyBytes: READ_BODY_BYTES,
      timeoutMs: request.timeoutMs,
      signal: job.signal,
    });
  } catch (error) {
    if (job.signal.aborted) throw error;
    if (error instanceof OutboundRefusedError) {
      await job.log('error', error.message, { rule: error.rule });
      throw ApplicationFailure.nonRetryable(error.message, 'OutboundRefused');
    }
    const reason = redactText((error as Error).message);
    await job.log('warn', `attempt ${job.attempt}: ${host} unreachable: ${reason}`);
    throw ApplicationFailure.retryable(`${host} unreachable: ${reason}`, 'HttpNetworkError');
  }
  const durationMs = Date.now() - started;
  const responseBody = keptResponseBody(response.body, response.truncated);

  if (response.status >= 200 && response.status < 300) return { status: response.status, durationMs, responseBody };

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
