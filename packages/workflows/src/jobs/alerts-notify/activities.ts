import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import { openChannelConfig } from '../../alerts/channel-secrets';
import type { AlertChannelConfig } from '../../alerts/channels';
import type { ActivityDeps } from '../../runtime/activity-deps';
import type { AlertChannelKind, AlertNotificationContent } from '../../runtime/alert-vocabulary';
import { jobContext, type JobContext } from '../../runtime/job-context';
import { sendEmail } from './email';
import type { alertsNotifyInput } from './index';
import { sendSlack, sendWebhook } from './http-channels';

export type AlertsNotifyInput = z.output<typeof alertsNotifyInput>;

/** What one notification is about, as every channel renders it (never its secrets). */
export interface NotificationTarget {
  notificationId: string;
  event: string;
  channel: { id: string; name: string; kind: AlertChannelKind };
  content: AlertNotificationContent;
}

export interface NotificationOutcome {
  outcome: 'delivered' | 'skipped';
  channelKind: AlertChannelKind | null;
  /** The job's one-line result: `webhook hooks.example.com: HTTP 200 in 31 ms`, `skipped: channel disabled`. */
  summary: string;
  status?: number;
  durationMs?: number;
  /** Email: the addresses the server accepted and those it refused (the others were still sent). */
  accepted?: string[];
  rejected?: string[];
}

export type ChannelSender<K extends AlertChannelKind> = (
  deps: ActivityDeps,
  job: JobContext,
  config: AlertChannelConfig<K>,
  target: NotificationTarget,
) => Promise<NotificationOutcome>;

/** How often a delivery tells Temporal it is alive (the job's heartbeat timeout is a few times this). */
const HEARTBEAT_MS = 1_000;

export function alertsNotifyActivities(deps: ActivityDeps) {
  return {
    async deliverNotification(input: AlertsNotifyInput): Promise<NotificationOutcome> {
      // Heartbeats while the attempt runs: a worker lost mid-delivery is noticed in seconds, and retried.
      const ctx = Context.current();
      const beat = setInterval(() => ctx.heartbeat(), HEARTBEAT_MS);
      try {
        return await deliver(deps, input);
      } finally {
        clearInterval(beat);
      }
    },
  };
}

async function skipped(job: JobContext, reason: string): Promise<NotificationOutcome> {
  await job.log('warn', `nothing sent: ${reason}`);
  return { outcome: 'skipped', channelKind: null, summary: `skipped: ${reason}` };
}

async function deliver(deps: ActivityDeps, input: AlertsNotifyInput): Promise<NotificationOutcome> {
  const job = jobContext(deps);
  if ('postgresAway' in input) {
    const { channel, content, deliveryId } = input.postgresAway;
    return send(deps, job, channel.config, {
      notificationId: deliveryId,
      event: 'fired',
      channel: { id: channel.id, name: channel.name, kind: channel.kind },
      content: content as unknown as AlertNotificationContent,
    });
  }
  const notification = await deps.db.alertNotification.findUnique({
    where: { id: input.notificationId },
    include: { channel: { select: { id: true, name: true, kind: true, enabled: true, config: true } } },
  });
  // Deleting a channel (or a rule's firing) deletes its notifications: there is nobody left to tell,
  // which is no failure to retry.
  if (!notification)
    return skipped(job, `notification ${input.notificationId} no longer exists (its channel was deleted)`);
  const { channel } = notification;
  const kind = channel.kind as AlertChannelKind;
  // A test is sent to a disabled channel too: trying a channel before enabling it is what tests are for.
  if (!channel.enabled && notification.event !== 'test') return skipped(job, `channel "${channel.name}" is disabled`);
  if (kind === 'dashboard') return skipped(job, 'the dashboard channel shows firings in the bell: nothing to send');

  return send(deps, job, channel.config, {
    notificationId: notification.id,
    event: notification.event,
    channel: { id: channel.id, name: channel.name, kind },
    content: notification.content as unknown as AlertNotificationContent,
  });
}

/** Opens the channel's stored settings and sends the notification through its kind's sender. */
async function send(
  deps: ActivityDeps,
  job: JobContext,
  storedConfig: unknown,
  target: NotificationTarget,
): Promise<NotificationOutcome> {
  const { kind } = target.channel;
  let config: AlertChannelConfig;
  try {
    config = openChannelConfig(kind, storedConfig, deps.alerting.encryptionKeys);
  } catch (error) {
    const message = `channel "${target.channel.name}" cannot be read: ${(error as Error).message}`;
    await job.log('error', message);
    throw ApplicationFailure.nonRetryable(message, 'ConfigurationError');
  }
  await job.progress({
    percent: 10,
    step: 'sending',
    stepsDone: 0,
    stepsTotal: 1,
    message: `${target.event} to ${kind} channel "${target.channel.name}" (attempt ${job.attempt})`,
  });
  const outcome =
    kind === 'webhook'
      ? await sendWebhook(deps, job, config as AlertChannelConfig<'webhook'>, target)
      : kind === 'slack'
        ? await sendSlack(deps, job, config as AlertChannelConfig<'slack'>, target)
        : await sendEmail(deps, job, config as AlertChannelConfig<'email'>, target);
  await job.progress({ percent: 100, step: 'delivered', stepsDone: 1, stepsTotal: 1, message: outcome.summary });
  await job.log('info', `${target.event} delivered: ${outcome.summary}`);
  return outcome;
}
