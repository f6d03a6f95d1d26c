import { z } from 'zod';
import { defineJob } from '../../runtime/define-job';
import { webhookDeliverInput } from '../webhook-deliver';

/** The most receivers one broadcast delivers to: each is a webhook.deliver job of its own. */
export const MAX_BROADCAST_URLS = 100;

export const webhookBroadcastInput = z.object({
  urls: z
    .array(webhookDeliverInput.shape.url)
    .min(1)
    .max(MAX_BROADCAST_URLS)
    .refine((urls) => new Set(urls).size === urls.length, 'each url is given once'),
  payload: webhookDeliverInput.shape.payload,
  headers: webhookDeliverInput.shape.headers,
  secretName: webhookDeliverInput.shape.secretName,
  timeoutMs: webhookDeliverInput.shape.timeoutMs,
});

export default defineJob(import.meta.url, {
  type: 'webhook.broadcast',
  description:
    'Delivers one event to up to 100 URLs: one webhook.deliver child job per URL (each signed and retried on its own), ' +
    'then waits for all and reports how many were delivered.',
  queue: 'webhooks',
  concurrency: 20,
  input: webhookBroadcastInput,
  example: {
    urls: ['https://example.com/hooks/orders', 'https://partner.example.org/jobdeck'],
    payload: { event: 'order.paid', orderId: 'ord_123' },
  },
  retry: { maxAttempts: 3, initialIntervalMs: 1_000, backoffCoefficient: 2, maximumIntervalMs: 30_000 },
  timeouts: { activityStartToCloseMs: 30_000 },
  // Its work is its children's (webhook.deliver); starting them is the shell's bookkeeping (prepareChildJob).
  activities: () => ({}),
});
