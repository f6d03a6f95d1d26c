import { DELIVERED_CHANNEL_KINDS, type AlertChannelKind, type AlertSeverityName } from '../../runtime/alert-vocabulary';
import { firingContent } from '../evaluate/content';
import { keys, withRedis, type AwayFiring, type Deps } from './store';

/**
 * Postgres answers again: each firing kept in Redis becomes a firing of the history, resolved now,
 * with its notifications, and a `resolved` notification per channel of the rule (started by the
 * evaluation with the others). Returns how many were written.
 */
export async function settlePostgresAway(deps: Deps, now = new Date()): Promise<number> {
  const settled = await withRedis(deps, async (redis) => {
    const key = keys(deps.alerting.redisPrefix);
    let count = 0;
    for (const ruleId of await redis.smembers(key.open)) {
      const firingKey = key.firing(ruleId);
      const stored = await redis.get(firingKey);
      if (!stored) {
        await redis.srem(key.open, ruleId);
        continue;
      }
      const firing = JSON.parse(stored) as AwayFiring;
      const rule = await deps.db.alertRule.findUnique({
        where: { id: firing.ruleId },
        include: { channels: { include: { channel: { select: { id: true, kind: true, enabled: true } } } } },
      });
      if (rule) {
        const startedAt = new Date(firing.startedAt);
        const contentOf = (event: 'fired' | 'resolved') =>
          firingContent({
            event,
            rule: { id: rule.id, name: rule.name, kind: 'dependency', severity: rule.severity as AlertSeverityName },
            firing: {
              id: firing.firingId,
              subject: '',
              message: firing.message,
              facts: firing.facts,
              startedAt,
              resolvedAt: event === 'resolved' ? now : null,
            },
            now: event === 'resolved' ? now : startedAt,
            dashboardUrl: deps.alerting.dashboardUrl,
          }) as object;
        const channels = rule.channels
          .map(({ channel }) => channel)
          .filter((channel) => channel.enabled && DELIVERED_CHANNEL_KINDS.includes(channel.kind as AlertChannelKind));
        await deps.db.$transaction([
          deps.db.alertFiring.upsert({
            where: { id: firing.firingId },
            update: {},
            create: {
              id: firing.firingId,
              ruleId: rule.id,
              subject: '',
              severity: rule.severity,
              message: firing.message,
              facts: firing.facts,
              startedAt,
              lastSeenAt: now,
              resolvedAt: now,
              lastNotifiedAt: firing.notified.length ? startedAt : null,
              notifyCount: firing.notified.length ? 1 : 0,
            },
          }),
          ...firing.notified
            .filter(({ channelId }) => channels.some((channel) => channel.id === channelId))
            .map(({ channelId, jobId }) =>
              deps.db.alertNotification.upsert({
                where: { jobId },
                update: {},
                create: {
                  firingId: firing.firingId,
                  channelId,
                  event: 'fired',
                  content: contentOf('fired'),
                  jobId,
                  createdAt: startedAt,
                },
              }),
            ),
          ...channels.map((channel) =>
            deps.db.alertNotification.create({
              data: {
                firingId: firing.firingId,
                channelId: channel.id,
                event: 'resolved',
                content: contentOf('resolved'),
              },
            }),
          ),
        ]);
        await deps.events.publish({
          kind: 'alert.resolved',
          firingId: firing.firingId,
          ruleId: rule.id,
          ruleName: rule.name,
          ruleKind: 'dependency',
          severity: rule.severity as AlertSeverityName,
          subject: '',
          message: firing.message,
          at: now.toISOString(),
        });
        count += 1;
      }
      await redis.del(firingKey);
      await redis.srem(key.open, ruleId);
    }
    return count;
  });
  return settled ?? 0;
}
