// Resolving a rule's open firings from the API: when the rule is disabled (no evaluation will) or
// deleted. No notification is made (the evaluation's own rule for a disabled rule); the live
// `alert.resolved` events still go out, so every bell drops them without a reload.
import type { Services } from '../services';

export async function resolveOpenFirings(services: Services, ruleId: string): Promise<number> {
  const open = await services.db.alertFiring.findMany({
    where: { ruleId, resolvedAt: null },
    include: { rule: { select: { name: true, kind: true, condition: true } } },
  });
  if (open.length === 0) return 0;
  const now = new Date();
  await services.db.alertFiring.updateMany({
    where: { id: { in: open.map((firing) => firing.id) }, resolvedAt: null },
    data: { resolvedAt: now, openKey: null },
  });
  for (const firing of open) {
    const { queue, type } = (firing.rule.condition ?? {}) as { queue?: unknown; type?: unknown };
    // Best effort, as every live event: the firings are resolved in Postgres whether or not this arrives.
    await services.events
      .publish({
        kind: 'alert.resolved',
        firingId: firing.id,
        ruleId,
        ruleName: firing.rule.name,
        ruleKind: firing.rule.kind,
        severity: firing.severity,
        subject: firing.subject,
        message: firing.message,
        ...(typeof queue === 'string' ? { queue } : {}),
        ...(typeof type === 'string' ? { type } : {}),
        at: now.toISOString(),
      })
      .catch(() => undefined);
  }
  return open.length;
}
