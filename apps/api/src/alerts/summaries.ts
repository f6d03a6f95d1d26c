// Rules and firings as every alerts answer shows them (the shapes of /tmp/alerts-api-contract.md).
import type { AlertChannel, AlertFiring, AlertRule, Prisma } from '@jobdeck/db';
import type { AlertRuleState } from '@jobdeck/workflows/vocabulary';

/** What a rule summary reads along with the rule: its channels and how many firings are open. */
export const ruleSummaryInclude = {
  channels: { include: { channel: { select: { id: true, name: true, kind: true, enabled: true } } } },
  _count: { select: { firings: { where: { resolvedAt: null } } } },
} satisfies Prisma.AlertRuleInclude;

type RuleWithChannels = AlertRule & {
  channels: Array<{ channel: Pick<AlertChannel, 'id' | 'name' | 'kind' | 'enabled'> }>;
  _count: { firings: number };
};

/** The state a person reads: disabled or silenced first, else what the last evaluation found. */
export function effectiveState(rule: AlertRule, now = new Date()): AlertRuleState {
  if (!rule.enabled) return 'disabled';
  if (rule.silencedUntil && rule.silencedUntil > now) return 'silenced';
  return rule.state === 'firing' ? 'firing' : 'ok';
}

export function ruleSummary(rule: RuleWithChannels) {
  const silenced = rule.silencedUntil !== null && rule.silencedUntil > new Date();
  return {
    id: rule.id,
    name: rule.name,
    description: rule.description,
    kind: rule.kind,
    condition: rule.condition as Record<string, unknown>,
    severity: rule.severity,
    enabled: rule.enabled,
    repeatMinutes: rule.repeatMinutes,
    state: effectiveState(rule),
    firing: rule.state === 'firing',
    // A silence that ended is history: shown as none, so a form never offers an expired one to extend.
    silencedUntil: silenced ? rule.silencedUntil!.toISOString() : null,
    silenceNote: silenced ? rule.silenceNote : null,
    silencedBy: silenced ? rule.silencedBy : null,
    lastEvaluatedAt: rule.lastEvaluatedAt?.toISOString() ?? null,
    lastError: rule.lastError,
    channels: rule.channels
      .map(({ channel }) => channel)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((channel) => ({ id: channel.id, name: channel.name, kind: channel.kind, enabled: channel.enabled })),
    openFirings: rule._count.firings,
    createdBy: rule.createdBy,
    createdAt: rule.createdAt.toISOString(),
    updatedAt: rule.updatedAt.toISOString(),
  };
}
export type RuleSummary = ReturnType<typeof ruleSummary>;

/** What a firing summary reads along with the firing: its rule, and whether this reader has read it. */
export function firingSummaryInclude(reader: string) {
  return {
    rule: { select: { id: true, name: true, kind: true } },
    reads: { where: { reader }, select: { reader: true } },
  } satisfies Prisma.AlertFiringInclude;
}

type FiringWithRule = AlertFiring & {
  rule: Pick<AlertRule, 'id' | 'name' | 'kind'>;
  reads: Array<{ reader: string }>;
};

export function firingSummary(firing: FiringWithRule) {
  return {
    id: firing.id,
    ruleId: firing.ruleId,
    ruleName: firing.rule.name,
    ruleKind: firing.rule.kind,
    severity: firing.severity,
    subject: firing.subject,
    message: firing.message,
    facts: firing.facts as unknown,
    startedAt: firing.startedAt.toISOString(),
    lastSeenAt: firing.lastSeenAt.toISOString(),
    resolvedAt: firing.resolvedAt?.toISOString() ?? null,
    notifyCount: firing.notifyCount,
    read: firing.reads.length > 0,
  };
}
export type FiringSummary = ReturnType<typeof firingSummary>;
