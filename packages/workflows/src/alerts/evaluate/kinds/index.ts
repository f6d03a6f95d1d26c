import type { AlertRuleKind } from '../../../runtime/alert-vocabulary';
import { evaluateBacklog } from './backlog';
import { evaluateDependency } from './dependency';
import { evaluateEveryFailure } from './every-failure';
import { evaluateFailureCount } from './failure-count';
import { evaluateFailureRate } from './failure-rate';
import { evaluateNoWorkers } from './no-workers';
import { evaluateSchedule } from './schedule';
import { evaluateStuck } from './stuck';
import type { KindEvaluator } from './types';

/** One evaluator per rule kind, each in its own file. */
export const EVALUATORS: { [K in AlertRuleKind]: KindEvaluator<K> } = {
  failure_rate: evaluateFailureRate,
  failure_count: evaluateFailureCount,
  backlog: evaluateBacklog,
  stuck: evaluateStuck,
  no_workers: evaluateNoWorkers,
  schedule: evaluateSchedule,
  every_failure: evaluateEveryFailure,
  dependency: evaluateDependency,
};

export type { EvaluationContext, KindEvaluator, Observation, RuleUnderEvaluation } from './types';
export { ConditionUnreadable } from './types';
