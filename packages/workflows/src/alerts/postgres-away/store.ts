import type { Redis } from 'ioredis';
import type { ActivityDeps } from '../../runtime/activity-deps';
import { alertingRedis } from '../redis';
import { DELIVERED_CHANNEL_KINDS, type AlertChannelKind, type AlertSeverityName } from '../../runtime/alert-vocabulary';

/**
 * A rule that says "Postgres unreachable" cannot be read from Postgres when it matters. So every
 * evaluation that reaches Postgres leaves in Redis what those rules need (the rules and their
 * channels as stored, secrets sealed); an evaluation that cannot reach Postgres fires them from
 * there, each channel told by an alerts.notify job started straight in Temporal (its record is
 * written once Postgres is back), and keeps the firing in Redis; the first evaluation that reaches
 * Postgres again writes that firing into the history, resolved, and tells the channels it ended
 * through the usual notifications. Without Redis there is nowhere to keep them: the rule then
 * says nothing while Postgres is away.
 */

/** A snapshot older than this is not trusted to name the right channels. */
const SNAPSHOT_TTL_SECONDS = 7 * 24 * 3600;

export interface RememberedChannel {
  id: string;
  name: string;
  kind: AlertChannelKind;
  /** As stored: secret fields sealed. */
  config: unknown;
}

export interface RememberedRule {
  id: string;
  name: string;
  severity: AlertSeverityName;
  silencedUntil: string | null;
  channels: RememberedChannel[];
}

/** What Redis keeps of a firing while Postgres is away: enough to write it into the history later. */
export interface AwayFiring {
  firingId: string;
  ruleId: string;
  message: string;
  facts: Array<{ label: string; value: string }>;
  startedAt: string;
  /** The jobs that told each channel, so the firing's page lists them once it is recorded. */
  notified: Array<{ channelId: string; jobId: string }>;
}

export type Deps = Pick<ActivityDeps, 'db' | 'sql' | 'temporal' | 'catalog' | 'events' | 'alerting'>;

export const keys = (prefix: string) => ({
  rules: `${prefix}alerts:postgres-away:rules`,
  firing: (ruleId: string) => `${prefix}alerts:postgres-away:firing:${ruleId}`,
  /** The rule ids with a firing kept here: a set, so settling never scans the keyspace. */
  open: `${prefix}alerts:postgres-away:open`,
});

export async function withRedis<T>(deps: Deps, use: (redis: Redis) => Promise<T>): Promise<T | null> {
  const { redisUrl } = deps.alerting;
  if (!redisUrl) return null;
  return use(await alertingRedis(redisUrl));
}

/** After an evaluation that reached Postgres: what the Postgres rules need while it is away. */
export async function rememberPostgresRules(deps: Deps): Promise<void> {
  const rules = await deps.db.alertRule.findMany({
    where: { enabled: true, kind: 'dependency', condition: { path: ['target'], equals: 'postgres' } },
    include: { channels: { include: { channel: true } } },
  });
  const snapshot: RememberedRule[] = rules.map((rule) => ({
    id: rule.id,
    name: rule.name,
    severity: rule.severity as AlertSeverityName,
    silencedUntil: rule.silencedUntil?.toISOString() ?? null,
    channels: rule.channels
      .map(({ channel }) => channel)
      .filter((channel) => channel.enabled && DELIVERED_CHANNEL_KINDS.includes(channel.kind as AlertChannelKind))
      .map((channel) => ({
        id: channel.id,
        name: channel.name,
        kind: channel.kind as AlertChannelKind,
        config: channel.config,
      })),
  }));
  await withRedis(deps, (redis) =>
    redis.set(keys(deps.alerting.redisPrefix).rules, JSON.stringify(snapshot), 'EX', SNAPSHOT_TTL_SECONDS),
  );
}
