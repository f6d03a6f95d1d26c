import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/client';
import { Redis } from 'ioredis';
import { buildJobStart, enqueueOptions, keyedJobId } from '../control/start';
import type { ActivityDeps } from '../runtime/activity-deps';
import type { AlertChannelKind, AlertRuleKind, AlertSeverityName } from '../runtime/alert-vocabulary';
import { redactText } from '../runtime/redact';
import { firingContent } from './evaluate/content';
import { NOTIFY_JOB_TYPE } from './notify';

/**
 * A rule that says "Postgres unreachable" cannot be read from Postgres when it matters. So every
 * evaluation that reaches Postgres leaves in Redis what those rules need (the rules and their
 * channels as stored, secrets sealed); an evaluation that cannot reach Postgres fires them from
 * there, each channel told by an alerts.notify job started straight in Temporal (its record is
 * written once Postgres is back), and keeps the firing in Redis; the first evaluation that reaches
 * Postgres again writes that firing into the history, resolved, and tells the channels it ended
 * through the usual notifications. Without Redis there is nowhere to keep them: the rule then
 * fires once Postgres answers again, as any other.
 */

const CONNECT_TIMEOUT_MS = 3_000;
/** A snapshot older than this is not trusted to name the right channels. */
const SNAPSHOT_TTL_SECONDS = 7 * 24 * 3600;
const DELIVERED_KINDS: readonly string[] = ['webhook', 'slack', 'email'];

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

type Deps = Pick<ActivityDeps, 'db' | 'sql' | 'temporal' | 'catalog' | 'events' | 'alerting'>;

const PROBE_TIMEOUT_MS = 5_000;

/** Why Postgres does not answer (connection refused, a timeout), or null when it does. */
export async function postgresProblem(deps: Pick<Deps, 'sql'>): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      deps.sql.query('SELECT 1'),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${PROBE_TIMEOUT_MS / 1000} s`)), PROBE_TIMEOUT_MS);
      }),
    ]);
    return null;
  } catch (error) {
    return redactText((error as Error).message || String(error));
  } finally {
    clearTimeout(timer);
  }
}

const keys = (prefix: string) => ({
  rules: `${prefix}alerts:postgres-away:rules`,
  firing: (ruleId: string) => `${prefix}alerts:postgres-away:firing:${ruleId}`,
  /** The rule ids with a firing kept here: a set, so settling never scans the keyspace. */
  open: `${prefix}alerts:postgres-away:open`,
});

async function withRedis<T>(deps: Deps, use: (redis: Redis) => Promise<T>): Promise<T | null> {
  const { redisUrl } = deps.alerting;
  if (!redisUrl) return null;
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return await use(redis);
  } finally {
    redis.disconnect();
  }
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
      .filter((channel) => channel.enabled && DELIVERED_KINDS.includes(channel.kind))
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

/**
 * Postgres did not answer: fires each remembered rule that is not firing yet (nor silenced), each of
 * its channels told by a job started in Temporal. Returns how many rules fired now.
 */
export async function firePostgresAway(deps: Deps, problem: string, now = new Date()): Promise<number> {
  const fired = await withRedis(deps, async (redis) => {
    const key = keys(deps.alerting.redisPrefix);
    const stored = await redis.get(key.rules);
    const rules = stored ? (JSON.parse(stored) as RememberedRule[]) : [];
    let count = 0;
    for (const rule of rules) {
      if (rule.silencedUntil && Date.parse(rule.silencedUntil) > now.getTime()) continue;
      const firing: AwayFiring = {
        firingId: randomUUID(),
        ruleId: rule.id,
        message: `Postgres unreachable: ${problem}`.slice(0, 500),
        facts: [
          { label: 'Reachable', value: `no: ${problem}`.slice(0, 300) },
          { label: 'Seen by', value: 'the alert evaluation, from the rules it kept in Redis' },
        ],
        startedAt: now.toISOString(),
        notified: [],
      };
      // NX: one firing per outage, however many evaluations run while it lasts.
      if ((await redis.set(key.firing(rule.id), JSON.stringify(firing), 'NX')) !== 'OK') continue;
      await redis.sadd(key.open, rule.id);
      count += 1;
      const content = firingContent({
        event: 'fired',
        rule: { id: rule.id, name: rule.name, kind: 'dependency' as AlertRuleKind, severity: rule.severity },
        firing: {
          id: firing.firingId,
          subject: '',
          message: firing.message,
          facts: firing.facts,
          startedAt: now,
          resolvedAt: null,
        },
        now,
        dashboardUrl: deps.alerting.dashboardUrl,
      });
      for (const channel of rule.channels) {
        const jobId = await startAwayNotification(deps, { channel, content, deliveryId: randomUUID() }, firing, now);
        if (jobId) firing.notified.push({ channelId: channel.id, jobId });
      }
      await redis.set(key.firing(rule.id), JSON.stringify(firing));
      await deps.events.publish({
        kind: 'alert.fired',
        firingId: firing.firingId,
        ruleId: rule.id,
        ruleName: rule.name,
        ruleKind: 'dependency',
        severity: rule.severity,
        subject: '',
        message: firing.message,
        at: now.toISOString(),
      });
    }
    return count;
  });
  return fired ?? 0;
}

async function startAwayNotification(
  deps: Deps,
  postgresAway: { channel: RememberedChannel; content: object; deliveryId: string },
  firing: AwayFiring,
  now: Date,
): Promise<string | null> {
  const jobType = deps.catalog.find(NOTIFY_JOB_TYPE)!;
  const idempotencyKey = `pg-away-${firing.firingId}-${postgresAway.channel.id}`;
  const id = keyedJobId(jobType.type, idempotencyKey);
  const { workflowOptions } = buildJobStart({
    jobType,
    id,
    input: { postgresAway },
    options: enqueueOptions.parse({ idempotencyKey }),
    requestedBy: { name: 'system:alerts', role: 'operator' },
    now,
  });
  try {
    // Straight to Temporal: startJobWorkflow would ask Postgres first. The worker writes the record later.
    await deps.temporal.workflow.start(jobType.workflowType, {
      ...workflowOptions,
      workflowId: id,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
    return id;
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return id;
    console.warn(`alert notification for ${postgresAway.channel.name} not started: ${(error as Error).message}`);
    return null;
  }
}

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
          .filter((channel) => channel.enabled && DELIVERED_KINDS.includes(channel.kind));
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
