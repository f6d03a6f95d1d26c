import type { AlertRuleKind } from '../../../runtime/alert-vocabulary';
import type { ActivityDeps } from '../../../runtime/activity-deps';
import type { AlertCondition } from '../../rules';

/** What a kind's evaluator reads with: the worker's services, and the time of this evaluation. */
export interface EvaluationContext {
  deps: ActivityDeps;
  now: Date;
}

/** The rule as the evaluator sees it: its parsed condition and when it was last evaluated. */
export interface RuleUnderEvaluation<K extends AlertRuleKind> {
  id: string;
  name: string;
  condition: AlertCondition<K>;
  /** Null on the rule's first evaluation. */
  lastEvaluatedAt: Date | null;
  /** What a first evaluation looks back to (every_failure tells the failures since the rule exists). */
  createdAt: Date;
}

/**
 * What an evaluator found about one subject (a queue, a job type, a schedule, a failed job, or ''
 * for the rule as a whole). An active observation opens a firing for its subject or keeps it open;
 * every open firing of the rule whose subject is not observed active is resolved.
 */
export interface Observation {
  subject: string;
  active: boolean;
  /** One line, the value against its threshold: "report.generate failed 12 of 40 jobs (30 %) in 15 min, above 20 %". */
  message: string;
  facts: Array<{ label: string; value: string }>;
  /** Set when the subject is one queue or job type: live streams narrowed to it receive the alert's events. */
  queue?: string;
  type?: string;
  /** An event rather than a condition (every_failure): the firing opens and resolves in the same evaluation. */
  instant?: boolean;
}

export type KindEvaluator<K extends AlertRuleKind> = (
  ctx: EvaluationContext,
  rule: RuleUnderEvaluation<K>,
) => Promise<Observation[]>;

/** A condition that cannot be read now (Temporal away, a schedule deleted): the rule keeps its firings and says why. */
export class ConditionUnreadable extends Error {
  override name = 'ConditionUnreadable';
}
