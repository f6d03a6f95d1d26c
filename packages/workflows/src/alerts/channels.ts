import { z } from 'zod';
import type { AlertChannelKind } from '../runtime/alert-vocabulary';
import { webhookDeliverInput } from '../jobs/webhook-deliver';
import { SECRET_NAME } from '../outbound/signing-secrets';

/**
 * Where a rule's firings are told, one settings schema per channel kind. Secret fields (a Slack
 * incoming-webhook URL is a credential; webhook header values carry tokens) are sealed at rest and
 * never answered in clear (see SECRET_FIELDS); the rest is shown to every viewer.
 */

const httpUrl = webhookDeliverInput.shape.url;

export const ALERT_CHANNEL_CONFIGS = {
  webhook: z
    .object({
      url: httpUrl,
      /** Signs with this per-endpoint key (JOBDECK_WEBHOOK_SECRETS) instead of JOBDECK_WEBHOOK_SECRET. */
      secretName: z
        .string()
        .regex(SECRET_NAME, "secretName is a name from the worker's JOBDECK_WEBHOOK_SECRETS")
        .optional(),
      headers: webhookDeliverInput.shape.headers,
    })
    .strict(),
  slack: z
    .object({
      /** Slack's incoming-webhook URL: https://hooks.slack.com/services/… (or any https URL of a compatible receiver). */
      webhookUrl: z.url({ protocol: /^https?$/, error: 'webhookUrl must be an http or https URL' }).max(2048),
    })
    .strict(),
  email: z
    .object({
      to: z
        .array(z.email({ error: 'to holds email addresses' }).max(254))
        .min(1, 'give at least one address')
        .max(20),
    })
    .strict(),
  dashboard: z.object({}).strict(),
} satisfies Record<AlertChannelKind, z.ZodType>;

export type AlertChannelConfig<K extends AlertChannelKind = AlertChannelKind> = z.output<
  (typeof ALERT_CHANNEL_CONFIGS)[K]
>;

/** The fields sealed at rest and masked in answers, per kind (`headers` means every header value). */
export const SECRET_FIELDS: Record<AlertChannelKind, readonly string[]> = {
  webhook: ['headers'],
  slack: ['webhookUrl'],
  email: [],
  dashboard: [],
};

const channelName = z
  .string()
  .trim()
  .min(1, 'name is required')
  .max(100)
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  .regex(/^[^\0-\x1f\x7f]*$/, 'name is one line without control characters');

const channelOf = <K extends AlertChannelKind>(kind: K) =>
  z
    .object({
      name: channelName,
      enabled: z.boolean().default(true),
      kind: z.literal(kind),
      config: ALERT_CHANNEL_CONFIGS[kind],
    })
    .strict();

/** A channel as created or replaced (alerts.channels.create / update). */
export const alertChannelInput = z.discriminatedUnion('kind', [
  channelOf('webhook'),
  channelOf('slack'),
  channelOf('email'),
  channelOf('dashboard'),
]);
export type AlertChannelInput = z.output<typeof alertChannelInput>;
