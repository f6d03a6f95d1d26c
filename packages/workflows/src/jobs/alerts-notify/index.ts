import { z } from 'zod';
import { defineJob } from '../../runtime/define-job';
import { alertsNotifyActivities } from './activities';

/**
 * The input names the notification only: the channel's settings, its Slack URL and header tokens
 * included, are read (and opened) by the activity, so no secret enters job input or Temporal history.
 * The one exception is an alert that Postgres is unreachable (alerts/postgres-away.ts): there is no
 * row to read, so the input carries the channel as stored, its secret fields sealed, and what to say.
 */
export const alertsNotifyInput = z.union([
  z.object({ notificationId: z.uuid({ error: 'notificationId is the id of an alert notification' }) }).strict(),
  z
    .object({
      postgresAway: z
        .object({
          channel: z
            .object({
              id: z.uuid(),
              name: z.string().max(100),
              kind: z.enum(['webhook', 'slack', 'email']),
              config: z.record(z.string(), z.unknown()),
            })
            .strict(),
          content: z.record(z.string(), z.unknown()),
          deliveryId: z.uuid(),
        })
        .strict(),
    })
    .strict(),
]);

export default defineJob(import.meta.url, {
  type: 'alerts.notify',
  description:
    'Delivers one alert notification to its channel: a signed webhook, a Slack message or an email; retries for ~10 minutes ' +
    'while the receiver is down, gives up at once on a refused address, a 4xx answer, a rejected mail or a missing SMTP_URL.',
  queue: 'notifications',
  concurrency: 10,
  input: alertsNotifyInput,
  example: { notificationId: '6f1c2a34-58b7-4c1d-9e0f-1a2b3c4d5e6f' },
  // 2 s, 4 s … capped at 3 min: ten attempts span about ten minutes, so a receiver restarting, or down
  // for a few minutes, still gets the alert.
  retry: { maxAttempts: 10, initialIntervalMs: 2_000, backoffCoefficient: 2, maximumIntervalMs: 180_000 },
  nonRetryableErrors: ['HttpClientError', 'HttpRedirect', 'OutboundRefused', 'ConfigurationError', 'SmtpRejected'],
  timeouts: { activityStartToCloseMs: 90_000, heartbeatMs: 10_000 },
  activities: alertsNotifyActivities,
});
