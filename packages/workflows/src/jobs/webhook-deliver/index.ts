import { z } from 'zod';
import { defineJob } from '../../runtime/define-job';
import { SECRET_NAME } from '../../outbound/signing-secrets';
import { webhookActivities } from './activities';

/**
 * Headers Jobdeck sets itself: a caller's value would replace the signature or delivery id a
 * receiver relies on, or desynchronise the framing of the request.
 */
const RESERVED_HEADER = /^(content-type|content-length|transfer-encoding|connection|host|x-jobdeck-.*)$/i;

const withoutCredentials = (url: URL) => !url.username && !url.password;

export const webhookDeliverInput = z.object({
  url: z
    .url({ protocol: /^https?$/, error: 'url must be an http or https URL' })
    .max(2048)
    // The URL is signed and shown with the job: credentials belong in a header, which is redacted.
    // (Zod runs this check after a failed url check too, hence canParse.)
    .refine(
      (url) => !URL.canParse(url) || withoutCredentials(new URL(url)),
      'url cannot carry a user name or password: send credentials in headers',
    ),
  payload: z.record(z.string(), z.unknown()).describe('JSON body to POST'),
  headers: z
    .record(
      z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'header names are letters, digits and dashes'),
      // A line break in a value would start a header of the caller's choosing.
      z
        .string()
        .max(1024)
        // eslint-disable-next-line no-control-regex -- control characters are what this refuses
        .regex(/^[^\0-\x08\x0a-\x1f\x7f]*$/, 'header values cannot contain line breaks or control characters'),
    )
    .refine((headers) => Object.keys(headers).length <= 20, 'at most 20 headers')
    .superRefine((headers, ctx) => {
      for (const name of Object.keys(headers)) {
        if (RESERVED_HEADER.test(name)) {
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: `header "${name}" is set by Jobdeck and cannot be given`,
          });
        }
      }
    })
    .optional(),
  secretName: z
    .string()
    .regex(
      SECRET_NAME,
      "secretName is a lower-case name (a-z, 0-9, _ and -, at most 32) from the worker's JOBDECK_WEBHOOK_SECRETS",
    )
    .optional()
    .describe('signs with this per-endpoint key instead of the default JOBDECK_WEBHOOK_SECRET'),
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
});

export default defineJob(import.meta.url, {
  type: 'webhook.deliver',
  description:
    'POSTs a JSON payload signed with HMAC-SHA256 over the timestamp, delivery id, URL and body; retries 5xx, 408, 429 and timeouts, ' +
    'gives up at once on other 4xx, redirects and addresses the outbound policy refuses.',
  queue: 'webhooks',
  concurrency: 20,
  input: webhookDeliverInput,
  example: { url: 'https://example.com/hooks/orders', payload: { event: 'order.paid', orderId: 'ord_123' } },
  retry: { maxAttempts: 5, initialIntervalMs: 1_000, backoffCoefficient: 2, maximumIntervalMs: 60_000 },
  nonRetryableErrors: ['HttpClientError', 'HttpRedirect', 'OutboundRefused', 'ConfigurationError'],
  // A delivery heartbeats every second while it runs: a worker lost mid-delivery is noticed in 10 s and
  // the delivery retried (at least once: receivers dedupe on X-Jobdeck-Delivery).
  timeouts: { activityStartToCloseMs: 75_000, heartbeatMs: 10_000 },
  activities: webhookActivities,
});
