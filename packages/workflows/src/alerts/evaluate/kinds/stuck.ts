import { ALERT_SEVERITIES, type AlertSeverityName } from '../../../runtime/alert-vocabulary';
import type { KindEvaluator } from './types';

/** The worst stuck jobs named in the facts. */
const WORST_SHOWN = 5;

/**
 * Stuck jobs at or above minSeverity: the open `stuck` alerts maintenance.stuck-check keeps per job
 * (it opens them, raises their severity and resolves them). One firing for the rule as a whole.
 */
export const evaluateStuck: KindEvaluator<'stuck'> = async ({ deps }, rule) => {
  const { minSeverity } = rule.condition;
  const severities = ALERT_SEVERITIES.slice(ALERT_SEVERITIES.indexOf(minSeverity));
  const where = { kind: 'stuck', resolvedAt: null, severity: { in: [...severities] } };
  const [counts, worst] = await Promise.all([
    deps.db.jobAlert.groupBy({ by: ['severity'], where, _count: { _all: true } }),
    deps.db.jobAlert.findMany({
      where,
      orderBy: [{ severity: 'desc' }, { idleSince: 'asc' }],
      take: WORST_SHOWN,
      select: { jobId: true, severity: true, message: true },
    }),
  ]);
  const bySeverity = new Map<AlertSeverityName, number>(counts.map((row) => [row.severity, row._count._all]));
  const total = [...bySeverity.values()].reduce((sum, count) => sum + count, 0);
  if (!total) return [];
  const breakdown = [...severities]
    .reverse()
    .filter((severity) => bySeverity.get(severity))
    .map((severity) => `${bySeverity.get(severity)} ${severity}`)
    .join(', ');
  return [
    {
      subject: '',
      active: true,
      message: `${total} stuck job${total === 1 ? '' : 's'} (${breakdown}), at or above ${minSeverity}`,
      facts: [
        { label: 'Stuck jobs', value: String(total) },
        ...[...severities]
          .reverse()
          .map((severity) => ({ label: severity, value: String(bySeverity.get(severity) ?? 0) })),
        { label: 'Minimum severity', value: minSeverity },
        { label: 'Worst', value: worst.map((alert) => `${alert.jobId} (${alert.severity})`).join(', ') },
      ],
    },
  ];
};
