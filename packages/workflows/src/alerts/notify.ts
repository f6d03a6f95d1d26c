import type { ControlDeps } from '../control/deps';
import { DomainError } from '../control/errors';
import { enqueueOptions, startJobWorkflow } from '../control/start';
import type { AlertChannelKind } from '../runtime/alert-vocabulary';
import type { Actor } from '../runtime/roles';
import { testContent } from './evaluate/content';

/** The job type that delivers one AlertNotification (packages/workflows/src/jobs/alerts-notify). */
export const NOTIFY_JOB_TYPE = 'alerts.notify';

/** Who starts the notification jobs of firings: shown as their requester. */
const ALERTING_ACTOR: Actor = { name: 'system:alerts', role: 'operator' };

/** At most this many jobs started per call: the next evaluation (every minute) starts the rest. */
const STARTS_PER_CALL = 200;

/**
 * Starts the notification's job, keyed by its id (keyedJobId('alerts.notify', id)): Temporal, then the
 * Job record's idempotency key, refuse a second one, so a notification is delivered by one job even
 * when two evaluations race or a start is retried after a crash. Then binds the row to it.
 */
async function startNotificationJob(deps: ControlDeps, notificationId: string, requestedBy: Actor): Promise<string> {
  const job = await startJobWorkflow(deps, {
    type: NOTIFY_JOB_TYPE,
    input: { notificationId },
    options: enqueueOptions.parse({ idempotencyKey: notificationId }),
    requestedBy,
  });
  await deps.db.alertNotification.updateMany({ where: { id: notificationId, jobId: null }, data: { jobId: job.id } });
  return job.id;
}

/**
 * Starts an alerts.notify job, keyed by the notification's id, for each AlertNotification that has
 * none yet (these ids, or every such notification): a notification is sent by exactly one durable job.
 * A start that fails is left for the next call (the row keeps no job). Returns how many were started.
 */
export async function startPendingNotifications(deps: ControlDeps, ids?: string[]): Promise<number> {
  if (ids && !ids.length) return 0;
  const pending = await deps.db.alertNotification.findMany({
    where: { jobId: null, ...(ids ? { id: { in: ids } } : {}) },
    select: { id: true },
    orderBy: { createdAt: 'asc' },
    take: STARTS_PER_CALL,
  });
  let started = 0;
  for (const { id } of pending) {
    try {
      await startNotificationJob(deps, id, ALERTING_ACTOR);
      started++;
    } catch (error) {
      // Temporal or Postgres away: the row keeps no job, and the next evaluation starts it.
      console.warn(`alert notification ${id}: job not started (retried next evaluation): ${(error as Error).message}`);
    }
  }
  return started;
}

/**
 * "Send test": a test notification to one channel, delivered by its own alerts.notify job. Returns that
 * job's id. A disabled channel is tested too (to try it before enabling it). The dashboard channel has
 * no job to run (its bell reads the firings themselves): its test is an `alert.test` live event that
 * every open bell shows at once, and there is no job id.
 */
export async function sendTestNotification(
  deps: ControlDeps & { dashboardUrl: string | null },
  channelId: string,
  actor: string,
): Promise<{ notificationId: string; jobId: string } | { notificationId: null; jobId: null }> {
  const channel = await deps.db.alertChannel.findUnique({
    where: { id: channelId },
    select: { id: true, name: true, kind: true },
  });
  if (!channel) throw new DomainError('NOT_FOUND', `alert channel ${channelId} not found`);
  if ((channel.kind as AlertChannelKind) === 'dashboard') {
    await deps.events.publish({
      kind: 'alert.test',
      channelId: channel.id,
      channelName: channel.name,
      by: actor,
      at: new Date().toISOString(),
    });
    return { notificationId: null, jobId: null };
  }
  const notification = await deps.db.alertNotification.create({
    select: { id: true },
    data: {
      channelId: channel.id,
      event: 'test',
      content: testContent({ channel, actor, now: new Date(), dashboardUrl: deps.dashboardUrl }) as object,
    },
  });
  // Whoever pressed the button asks for this one job: the API lets operators and up test a channel.
  try {
    const jobId = await startNotificationJob(deps, notification.id, { name: actor, role: 'operator' });
    return { notificationId: notification.id, jobId };
  } catch (error) {
    // A test is sent now or not at all: the next evaluation must not deliver it minutes later.
    await deps.db.alertNotification.deleteMany({ where: { id: notification.id, jobId: null } }).catch(() => undefined);
    throw error;
  }
}
