import { ApplicationFailure } from '@temporalio/common';
import { signedUrl } from '../../outbound/signature';
import { signingSecret } from '../../outbound/signing-secrets';
import { postDelivery, signatureHeaders } from '../webhook-deliver/post';
import type { ChannelSender } from './activities';
import { slackMessage } from './slack-message';

const TIMEOUT_MS = 10_000;

/**
 * A webhook channel: `{ event, alert, channel, deliveryId }` POSTed and signed exactly as webhook.deliver
 * signs, so one receiver verifies both. The delivery id is the notification's: every attempt, and a
 * retry of the job, carries the same one, and receivers dedupe on it.
 */
export const sendWebhook: ChannelSender<'webhook'> = async (deps, job, config, target) => {
  const key = signingSecret(deps.webhookSecrets, config.secretName);
  if ('problem' in key) {
    await job.log('error', key.problem);
    throw ApplicationFailure.nonRetryable(key.problem, 'ConfigurationError');
  }
  const url = signedUrl(config.url);
  const host = new URL(url).host;
  const body = JSON.stringify({
    event: target.event,
    alert: target.content,
    channel: target.channel,
    deliveryId: target.notificationId,
  });
  const result = await postDelivery(deps, job, {
    url,
    headers: {
      'User-Agent': 'Jobdeck-Alerts/1.0',
      ...config.headers,
      ...signatureHeaders(key.secret, { url, body, deliveryId: target.notificationId, attempt: job.attempt }),
    },
    body,
    timeoutMs: TIMEOUT_MS,
  });
  return {
    outcome: 'delivered',
    channelKind: 'webhook',
    status: result.status,
    durationMs: result.durationMs,
    summary: `webhook ${host}: HTTP ${result.status} in ${result.durationMs} ms`,
  };
};

/** A Slack channel: a message with blocks POSTed to its incoming-webhook URL (a secret: only its host is logged). */
export const sendSlack: ChannelSender<'slack'> = async (deps, job, config, target) => {
  const host = new URL(config.webhookUrl).host;
  const result = await postDelivery(deps, job, {
    url: config.webhookUrl,
    headers: { 'User-Agent': 'Jobdeck-Alerts/1.0', 'Content-Type': 'application/json' },
    body: JSON.stringify(slackMessage(target.content)),
    timeoutMs: TIMEOUT_MS,
  });
  return {
    outcome: 'delivered',
    channelKind: 'slack',
    status: result.status,
    durationMs: result.durationMs,
    summary: `slack ${host}: HTTP ${result.status} in ${result.durationMs} ms`,
  };
};
