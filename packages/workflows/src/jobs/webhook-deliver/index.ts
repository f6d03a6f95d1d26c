import { z } from 'zod';
import { defineJob } from '../../runtime/define-job';
import { webhookActivities } from './activities';

export const webhookDeliverInput = z.object({
  url: z
    .url({ protocol: /^https?$/, error: 'url must be an http or https URL' })
    .max(2048),
  payload: z.record(z.string(), z.unknown()).describe('JSON body to POST'),
  headers: z
    .record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'header names are letters, digits and dashes'), z.string().max(1024))
    .refine((headers) => Object.keys(headers).length <= 20, 'at most 20 headers')
    .optional(),
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
});

export default defineJob(import.meta.url, {
  type: 'webhook.deliver',
  description: 'POSTs a JSON payload signed with HMAC-SHA256; retries 5xx, 408, 429 and timeouts, gives up at once on other 4xx.',
  queue: 'webhooks',
  input: webhookDeliverInput,
  example: { url: 'https://example.com/hooks/orders', payload: { event: 'order.paid', orderId: 'ord_123' } },
  retry: { maxAttempts: 5, initialIntervalMs: 1_000, backoffCoefficient: 2, maximumIntervalMs: 60_000 },
  nonRetryableErrors: ['HttpClientError'],
  timeouts: { activityStartToCloseMs: 75_000 },
  activities: webhookActivities,
});
