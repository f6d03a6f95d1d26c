// Alert rules: an admin writes them, everyone signed in reads them (alerts.rules.*).
//
// Replacing a rule (update) keeps its open firings: the next evaluation judges them by the new
// condition, resolving (and telling) those no longer met, so a changed threshold never loses a
// firing nor invents one. Deleting a rule deletes its firings and their notifications with it (the
// schema cascades): the rule's history means nothing without the rule, and the audit trail keeps
// who deleted what. Open firings are announced as resolved first, so that every bell drops them.
import type { Prisma } from '@jobdeck/db';
import { DomainError } from '@jobdeck/workflows/control';
import type { Principal } from '../auth/tokens';
import type { Services } from '../services';
import type { RuleFields } from './inputs';
import { resolveOpenFirings } from './resolve';
import { badField, refusedWrite } from './refusals';
import { firingSummary, firingSummaryInclude, ruleSummary, ruleSummaryInclude } from './summaries';

/** How many of a rule's latest firings alerts.rules.get shows. */
const RECENT_FIRINGS = 20;

export async function findRule(services: Services, id: string) {
  const rule = await services.db.alertRule.findUnique({ where: { id }, include: ruleSummaryInclude });
  if (!rule) throw new DomainError('NOT_FOUND', `no alert rule ${id}`);
  return rule;
}

export async function listRules(services: Services) {
  const rules = await services.db.alertRule.findMany({ include: ruleSummaryInclude, orderBy: { name: 'asc' } });
  return rules.map(ruleSummary);
}

export async function getRule(services: Services, principal: Principal, id: string) {
  const rule = await findRule(services, id);
  const recent = await services.db.alertFiring.findMany({
    where: { ruleId: id },
    include: firingSummaryInclude(principal.name),
    orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
    take: RECENT_FIRINGS,
  });
  return { ...ruleSummary(rule), recentFirings: recent.map(firingSummary) };
}

/** The rule's channels, each of which must exist: a 400 names the first that does not. */
async function checkedChannelIds(services: Services, ids: string[], path: Array<string | number>) {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return unique;
  const found = await services.db.alertChannel.findMany({ where: { id: { in: unique } }, select: { id: true } });
  const known = new Set(found.map((channel) => channel.id));
  const missing = ids.findIndex((id) => !known.has(id));
  if (missing >= 0) throw badField([...path, 'channelIds', missing], `no alert channel ${ids[missing]}`);
  return unique;
}

function ruleData(fields: RuleFields) {
  return {
    name: fields.name,
    description: fields.description,
    kind: fields.kind,
    condition: fields.condition as Prisma.InputJsonObject,
    severity: fields.severity,
    enabled: fields.enabled,
    repeatMinutes: fields.repeatMinutes,
  };
}

export async function createRule(services: Services, principal: Principal, fields: RuleFields) {
  const channelIds = await checkedChannelIds(services, fields.channelIds, []);
  const rule = await services.db.alertRule
    .create({
      data: {
        ...ruleData(fields),
        createdBy: principal.name,
        channels: { create: channelIds.map((channelId) => ({ channelId })) },
      },
      include: ruleSummaryInclude,
    })
    .catch((error: unknown) => refusedWrite(error, 'rule', fields.name));
  return ruleSummary(rule);
}

/** Replaces a rule's fields and channels; its state, silence and firings stay (see the top of this file). */
export async function updateRule(services: Services, id: string, fields: RuleFields) {
  const before = await findRule(services, id);
  const channelIds = await checkedChannelIds(services, fields.channelIds, ['rule']);
  const rule = await services.db
    .$transaction([
      services.db.alertRuleChannel.deleteMany({ where: { ruleId: id } }),
      services.db.alertRule.update({
        where: { id },
        data: {
          ...ruleData(fields),
          // The problem was the old condition's; the next evaluation says whether the new one has one.
          lastError: null,
          channels: { create: channelIds.map((channelId) => ({ channelId })) },
        },
        include: ruleSummaryInclude,
      }),
    ])
    .then(([, updated]) => updated)
    .catch((error: unknown) => refusedWrite(error, 'rule', fields.name));
  if (before.enabled && !rule.enabled) return ruleSummary(await disabled(services, id));
  return ruleSummary(rule);
}

/**
 * A disabled rule is not evaluated, so nothing would ever resolve its open firings: they are resolved
 * now, without notification (as the evaluation would), and the bells are told.
 */
async function disabled(services: Services, id: string) {
  await resolveOpenFirings(services, id);
  return services.db.alertRule.update({ where: { id }, data: { state: 'ok' }, include: ruleSummaryInclude });
}

export async function setRuleEnabled(services: Services, id: string, enabled: boolean) {
  await findRule(services, id);
  const rule = await services.db.alertRule
    .update({ where: { id }, data: { enabled }, include: ruleSummaryInclude })
    .catch((error: unknown) => refusedWrite(error, 'rule'));
  return ruleSummary(enabled ? rule : await disabled(services, id));
}

export async function deleteRule(services: Services, id: string) {
  await findRule(services, id);
  await resolveOpenFirings(services, id);
  await services.db.alertRule.delete({ where: { id } }).catch((error: unknown) => refusedWrite(error, 'rule'));
  return { id };
}

export async function silenceRule(
  services: Services,
  principal: Principal,
  request: { id: string; until: Date; note: string },
) {
  await findRule(services, request.id);
  const rule = await services.db.alertRule
    .update({
      where: { id: request.id },
      data: { silencedUntil: request.until, silenceNote: request.note, silencedBy: principal.name },
      include: ruleSummaryInclude,
    })
    .catch((error: unknown) => refusedWrite(error, 'rule'));
  return ruleSummary(rule);
}

/** Ends a silence now; a firing still open is then told as fired by the next evaluation (nothing lost). */
export async function unsilenceRule(services: Services, id: string) {
  await findRule(services, id);
  const rule = await services.db.alertRule
    .update({
      where: { id },
      data: { silencedUntil: null, silenceNote: null, silencedBy: null },
      include: ruleSummaryInclude,
    })
    .catch((error: unknown) => refusedWrite(error, 'rule'));
  return ruleSummary(rule);
}
