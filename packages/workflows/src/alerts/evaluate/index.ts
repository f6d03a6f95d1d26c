import {
  DELIVERED_CHANNEL_KINDS,
  type AlertChannelKind,
  type AlertRuleKind,
  type AlertSeverityName,
} from '../../runtime/alert-vocabulary';
import type { ActivityDeps } from '../../runtime/activity-deps';
import { withTimeLimit } from '../../runtime/time-limit';
import { parseCondition } from '../rules';
import { alertEvent, applyObservations, type AlertEvent, type RuleToApply } from './firings';
import { EVALUATORS, ConditionUnreadable, type Observation, type RuleUnderEvaluation } from './kinds';

/**
 * One evaluation of the alert rules (the alerts.evaluate job, every minute): each enabled rule's
 * evaluator observes its condition, within a time limit, and its firings follow (firings.ts); the
 * open firings of disabled rules end quietly. A rule that cannot be read keeps its firings as they
 * are and says why in lastError.
 */

/** Longest one rule's evaluator may take: a slow Temporal or database delays one rule, not all. */
export const RULE_TIME_LIMIT_MS = 20_000;

export interface EvaluationSummary {
  evaluated: number;
  /** Rules with an open firing after this evaluation. */
  firing: number;
  opened: number;
  resolved: number;
  /** Rules whose condition could not be read, by name, with why. */
  unreadable: Array<{ rule: string; problem: string }>;
  notifications: number;
}

export interface EvaluateOptions {
  /** Only these rules (tests, "evaluate now"); every rule when absent. */
  ruleIds?: string[];
  now?: Date;
  /** Called after each rule, e.g. to report progress (which heartbeats). */
  onRule?: (done: number, total: number) => Promise<void>;
}

export async function evaluateRules(deps: ActivityDeps, options: EvaluateOptions = {}): Promise<EvaluationSummary> {
  const now = options.now ?? new Date();
  const only = options.ruleIds ? { id: { in: options.ruleIds } } : {};
  const summary: EvaluationSummary = {
    evaluated: 0,
    firing: 0,
    opened: 0,
    resolved: 0,
    unreadable: [],
    notifications: 0,
  };
  const events: AlertEvent[] = await resolveDisabled(deps, only, now);
  summary.resolved += events.length;

  const rules = await deps.db.alertRule.findMany({
    where: { enabled: true, ...only },
    include: { channels: { include: { channel: { select: { id: true, kind: true, enabled: true } } } } },
    orderBy: { createdAt: 'asc' },
  });
  for (const [index, rule] of rules.entries()) {
    const parsed = parseCondition(rule.kind, rule.condition);
    const toApply: RuleToApply = {
      id: rule.id,
      name: rule.name,
      kind: rule.kind as AlertRuleKind,
      severity: rule.severity as AlertSeverityName,
      repeatMinutes: rule.repeatMinutes,
      silencedUntil: rule.silencedUntil,
      channelIds: rule.channels
        .filter(({ channel }) => channel.enabled && DELIVERED_CHANNEL_KINDS.includes(channel.kind as AlertChannelKind))
        .map(({ channel }) => channel.id),
      scope: {},
    };
    try {
      if (!parsed.ok) throw new ConditionUnreadable(`the stored condition no longer reads: ${parsed.problem}`);
      const condition = parsed.condition as Record<string, unknown>;
      if (typeof condition.queue === 'string') toApply.scope.queue = condition.queue;
      if (typeof condition.type === 'string') toApply.scope.type = condition.type;
      if (parsed.kind === 'every_failure') toApply.maxPerHour = (condition as { maxPerHour: number }).maxPerHour;
      const observations = await observe(deps, now, {
        id: rule.id,
        name: rule.name,
        kind: parsed.kind,
        condition: parsed.condition,
        lastEvaluatedAt: rule.lastEvaluatedAt,
        createdAt: rule.createdAt,
      });
      const applied = await applyObservations(deps, toApply, observations, now);
      summary.evaluated += 1;
      summary.opened += applied.opened;
      summary.resolved += applied.resolved;
      summary.notifications += applied.notifications;
      if (applied.firing) summary.firing += 1;
      events.push(...applied.events);
    } catch (error) {
      // Unreadable, too slow, or a bug in one evaluator: this rule says why, the others go on.
      const problem = error instanceof Error ? error.message : String(error);
      summary.unreadable.push({ rule: rule.name, problem });
      // updateMany: a rule deleted meanwhile is no error of the evaluation.
      await deps.db.alertRule.updateMany({
        where: { id: rule.id },
        data: { lastEvaluatedAt: now, lastError: problem.slice(0, 1_000) },
      });
    }
    await options.onRule?.(index + 1, rules.length);
  }
  // Live events are best effort (the firings are in Postgres): published once committed.
  for (const event of events) await deps.events.publish(event);
  return summary;
}

async function observe(
  deps: ActivityDeps,
  now: Date,
  rule: RuleUnderEvaluation<AlertRuleKind> & { kind: AlertRuleKind },
): Promise<Observation[]> {
  const evaluator = EVALUATORS[rule.kind] as (
    ctx: { deps: ActivityDeps; now: Date },
    rule: RuleUnderEvaluation<AlertRuleKind>,
  ) => Promise<Observation[]>;
  return withTimeLimit(
    evaluator({ deps, now }, rule),
    RULE_TIME_LIMIT_MS,
    () => new ConditionUnreadable(`the condition took longer than ${RULE_TIME_LIMIT_MS / 1000} s to read`),
  );
}

/** A disabled rule is not evaluated: its open firings end without a notification, its state is ok. */
async function resolveDisabled(deps: ActivityDeps, only: { id?: { in: string[] } }, now: Date): Promise<AlertEvent[]> {
  const open = await deps.db.alertFiring.findMany({
    where: { resolvedAt: null, rule: { enabled: false, ...only } },
    include: { rule: { select: { id: true, name: true, kind: true, severity: true } } },
  });
  if (!open.length) return [];
  await deps.db.$transaction([
    deps.db.alertFiring.updateMany({
      where: { id: { in: open.map((firing) => firing.id) }, resolvedAt: null },
      data: { resolvedAt: now, openKey: null },
    }),
    deps.db.alertRule.updateMany({
      where: { id: { in: [...new Set(open.map((firing) => firing.ruleId))] }, enabled: false },
      data: { state: 'ok' },
    }),
  ]);
  return open.map((firing) =>
    alertEvent(
      'alert.resolved',
      { ...firing.rule, kind: firing.rule.kind as AlertRuleKind, severity: firing.rule.severity as AlertSeverityName },
      firing,
      {},
      now,
    ),
  );
}

export { firingContent, testContent, firingUrl } from './content';
export type { EvaluationContext, Observation, RuleUnderEvaluation } from './kinds';
