import type { Prisma } from '@jobdeck/db';
import type { AlertRuleKind, AlertSeverityName } from '../../runtime/alert-vocabulary';
import type { ActivityDeps } from '../../runtime/activity-deps';
import type { SystemEvent } from '../../runtime/events';
import { firingContent, type ContentFiring } from './content';
import {
  decideFirings,
  HOUR_MS,
  instantBudget,
  isSilenced,
  summaryDue,
  SUMMARY_SUBJECT,
  type Decision,
} from './decide';
import type { Observation } from './kinds/types';

/**
 * Applies an evaluation's observations to one rule's firings, in one transaction that holds the
 * rule's row: two evaluations of the same rule (the schedule's and an "evaluate now") take turns
 * instead of opening a firing twice. Notifications are rows here (one per firing event and channel);
 * their alerts.notify jobs are started after the commit, by startPendingNotifications.
 */

export interface RuleToApply {
  id: string;
  name: string;
  kind: AlertRuleKind;
  severity: AlertSeverityName;
  repeatMinutes: number | null;
  silencedUntil: Date | null;
  /** every_failure's limit of individual notifications per hour. */
  maxPerHour?: number;
  /** The rule's enabled channels that are told by an alerts.notify job (webhook, Slack, email). */
  channelIds: string[];
  /** The queue or job type the rule is about, if one: its live events reach streams narrowed to it. */
  scope: Pick<Observation, 'queue' | 'type'>;
}

export type AlertEvent = Extract<SystemEvent, { kind: 'alert.fired' | 'alert.resolved' }>;

export interface Applied {
  /** Live events to publish once committed: one per firing opened or resolved. */
  events: AlertEvent[];
  opened: number;
  resolved: number;
  notifications: number;
  /** A firing of the rule is still open. */
  firing: boolean;
}

const RATE_LIMITED_FACT = { label: 'Notification', value: 'not sent: past the hourly limit (in the next summary)' };

type Tx = Prisma.TransactionClient;
type FiringRow = ContentFiring & { id: string };

export async function applyObservations(
  deps: Pick<ActivityDeps, 'db' | 'alerting'>,
  rule: RuleToApply,
  observations: Observation[],
  now: Date,
): Promise<Applied> {
  return deps.db.$transaction(
    async (tx) => {
      const locked = await tx.$queryRaw<Array<{ id: string }>>`
        SELECT id FROM "AlertRule" WHERE id = ${rule.id}::uuid FOR UPDATE`;
      // Deleted since it was read: nothing left to judge.
      if (!locked.length) return { events: [], opened: 0, resolved: 0, notifications: 0, firing: false };
      const silenced = isSilenced(rule.silencedUntil, now);
      const open = await tx.alertFiring.findMany({
        where: { ruleId: rule.id, resolvedAt: null },
        select: { id: true, subject: true, startedAt: true, lastNotifiedAt: true, notifyCount: true },
      });
      const fresh = await newInstants(tx, rule.id, observations);
      const toldInPastHour =
        rule.maxPerHour === undefined
          ? 0
          : await tx.alertFiring.count({
              where: {
                ruleId: rule.id,
                subject: { not: SUMMARY_SUBJECT },
                lastNotifiedAt: { gt: new Date(now.getTime() - HOUR_MS) },
              },
            });
      const decisions = decideFirings({
        open,
        observations: fresh,
        now,
        repeatMinutes: rule.repeatMinutes,
        silenced,
        instantBudget: instantBudget(rule.maxPerHour, toldInPastHour),
      });

      const applied: Applied = { events: [], opened: 0, resolved: 0, notifications: 0, firing: false };
      for (const decision of decisions) {
        const row = await applyDecision(tx, rule, decision, now);
        const notify = decision.notify;
        if (notify) applied.notifications += await notificationRows(tx, deps, rule, row, notify, now);
        if (decision.action === 'open' || decision.action === 'instant') applied.opened += 1;
        if (decision.action === 'resolve') applied.resolved += 1;
        // An instant firing is an event, not a condition: it is told as fired, its end goes without saying.
        const kind = decision.action === 'resolve' ? 'alert.resolved' : 'alert.fired';
        if (decision.action !== 'keep') applied.events.push(alertEvent(kind, rule, row, scopeOf(rule, decision), now));
      }
      if (rule.maxPerHour !== undefined) applied.notifications += await summarize(tx, deps, rule, silenced, now);

      applied.firing = (await tx.alertFiring.count({ where: { ruleId: rule.id, resolvedAt: null } })) > 0;
      await tx.alertRule.update({
        where: { id: rule.id },
        data: { state: applied.firing ? 'firing' : 'ok', lastEvaluatedAt: now, lastError: null },
      });
      return applied;
    },
    { timeout: 30_000, maxWait: 30_000 },
  );
}

/** Instant observations whose subject (a failed job) has no firing of the rule yet: each is told once. */
async function newInstants(tx: Tx, ruleId: string, observations: Observation[]): Promise<Observation[]> {
  const subjects = observations.filter((item) => item.instant && item.active).map((item) => item.subject);
  if (!subjects.length) return observations;
  const seen = await tx.alertFiring.findMany({
    where: { ruleId, subject: { in: subjects } },
    select: { subject: true },
  });
  const seenSubjects = new Set(seen.map((row) => row.subject));
  return observations.filter((item) => !item.instant || !seenSubjects.has(item.subject));
}

async function applyDecision(tx: Tx, rule: RuleToApply, decision: Decision, now: Date): Promise<FiringRow> {
  const told = decision.notify ? { lastNotifiedAt: now, notifyCount: { increment: 1 } } : {};
  const select = { id: true, subject: true, message: true, facts: true, startedAt: true, resolvedAt: true } as const;
  let row;
  switch (decision.action) {
    case 'open':
    case 'instant': {
      const { observation } = decision;
      const instant = decision.action === 'instant';
      const facts = instant && decision.rateLimited ? [...observation.facts, RATE_LIMITED_FACT] : observation.facts;
      row = await tx.alertFiring.create({
        data: {
          ruleId: rule.id,
          subject: observation.subject,
          openKey: instant ? null : `${rule.id}:${observation.subject}`,
          severity: rule.severity,
          message: observation.message,
          facts: facts as unknown as Prisma.InputJsonValue,
          startedAt: now,
          lastSeenAt: now,
          resolvedAt: instant ? now : null,
          lastNotifiedAt: decision.notify ? now : null,
          notifyCount: decision.notify ? 1 : 0,
        },
        select,
      });
      break;
    }
    case 'keep':
      row = await tx.alertFiring.update({
        where: { id: decision.firing.id },
        data: {
          message: decision.observation.message,
          facts: decision.observation.facts as unknown as Prisma.InputJsonValue,
          lastSeenAt: now,
          ...told,
        },
        select,
      });
      break;
    case 'resolve':
      row = await tx.alertFiring.update({
        where: { id: decision.firing.id },
        data: { resolvedAt: now, openKey: null, ...told },
        select,
      });
      break;
  }
  return { ...row, facts: row.facts as unknown as ContentFiring['facts'] };
}

/** One AlertNotification per channel that an alerts.notify job delivers; the content fixed now. */
async function notificationRows(
  tx: Tx,
  deps: Pick<ActivityDeps, 'alerting'>,
  rule: RuleToApply,
  firing: FiringRow,
  event: 'fired' | 'repeat' | 'resolved',
  now: Date,
): Promise<number> {
  if (!rule.channelIds.length) return 0;
  const content = firingContent({ event, rule, firing, now, dashboardUrl: deps.alerting.dashboardUrl });
  const { count } = await tx.alertNotification.createMany({
    data: rule.channelIds.map((channelId) => ({
      firingId: firing.id,
      channelId,
      event,
      content: content as unknown as Prisma.InputJsonValue,
    })),
  });
  return count;
}

/**
 * every_failure past its hourly limit: the failures recorded without a notification since the last
 * summary are told in one summary firing, at most one an hour.
 */
async function summarize(
  tx: Tx,
  deps: Pick<ActivityDeps, 'alerting'>,
  rule: RuleToApply,
  silenced: boolean,
  now: Date,
): Promise<number> {
  const last = await tx.alertFiring.findFirst({
    where: { ruleId: rule.id, subject: SUMMARY_SUBJECT },
    orderBy: { startedAt: 'desc' },
    select: { startedAt: true },
  });
  const untold = await tx.alertFiring.count({
    where: {
      ruleId: rule.id,
      notifyCount: 0,
      subject: { not: SUMMARY_SUBJECT },
      facts: { array_contains: [RATE_LIMITED_FACT] },
      ...(last && { startedAt: { gt: last.startedAt } }),
    },
  });
  if (!summaryDue({ untold, lastSummaryAt: last?.startedAt ?? null, now, silenced })) return 0;
  const message = `${untold} more failures of ${rule.name} were not told one by one (limit ${rule.maxPerHour} an hour)`;
  const row = await tx.alertFiring.create({
    data: {
      ruleId: rule.id,
      subject: SUMMARY_SUBJECT,
      severity: rule.severity,
      message,
      facts: [
        { label: 'Not told one by one', value: String(untold) },
        { label: 'Limit', value: `${rule.maxPerHour} an hour` },
        { label: 'Since', value: (last?.startedAt ?? new Date(now.getTime() - HOUR_MS)).toISOString() },
      ],
      startedAt: now,
      lastSeenAt: now,
      resolvedAt: now,
      lastNotifiedAt: now,
      notifyCount: 1,
    },
    select: { id: true, subject: true, message: true, facts: true, startedAt: true, resolvedAt: true },
  });
  return notificationRows(
    tx,
    deps,
    rule,
    { ...row, facts: row.facts as unknown as ContentFiring['facts'] },
    'fired',
    now,
  );
}

function scopeOf(rule: RuleToApply, decision: Decision): Pick<Observation, 'queue' | 'type'> {
  if (decision.action === 'resolve') return rule.scope;
  const { queue, type } = decision.observation;
  return { queue: queue ?? rule.scope.queue, type: type ?? rule.scope.type };
}

export function alertEvent(
  kind: AlertEvent['kind'],
  rule: Pick<RuleToApply, 'id' | 'name' | 'kind' | 'severity'>,
  firing: Pick<FiringRow, 'id' | 'subject' | 'message'>,
  scope: Pick<Observation, 'queue' | 'type'>,
  now: Date,
): AlertEvent {
  return {
    kind,
    firingId: firing.id,
    ruleId: rule.id,
    ruleName: rule.name,
    ruleKind: rule.kind,
    severity: rule.severity,
    subject: firing.subject,
    message: firing.message,
    ...(scope.queue && { queue: scope.queue }),
    ...(scope.type && { type: scope.type }),
    at: now.toISOString(),
  };
}
