import type { Actor } from '../../runtime/roles';
import type { ControlDeps } from '../deps';
import { DomainError } from '../errors';
import { findRerunTarget, rerunReason, rerunRefusal, resetToStep } from './rerun-from-step';
import { readJobHistory } from './steps';

/**
 * The bulk form of rerun-from-step: each job reruns from its last step of the given activity type
 * (a retried step's latest run); a job without one is refused (412), which a bulk action counts as skipped.
 */
export async function rerunFromLastStep(
  deps: ControlDeps,
  id: string,
  activity: string,
  reasonGiven: string,
  actor: Actor,
) {
  const reason = rerunReason.parse(reasonGiven);
  const record = await findRerunTarget(deps, id);
  const history = await readJobHistory(deps, id);
  const refusal = rerunRefusal(record, history.status);
  if (refusal) throw new DomainError('PRECONDITION_FAILED', refusal);
  const step = history.steps.findLast((candidate) => candidate.activity === activity);
  if (!step) throw new DomainError('PRECONDITION_FAILED', `job ${id} (${record.type}) has no step ${activity}`);
  return resetToStep(deps, record, history, step, reason, actor);
}
