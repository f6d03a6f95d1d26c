// "Evaluate now": one rule evaluated at once by an alerts.evaluate job, as the minute's schedule would.
import { startJobWorkflow, DomainError } from '@jobdeck/workflows/control';
import type { Principal } from '../auth/tokens';
import type { Services } from '../services';
import { findRule } from './rules';

export const EVALUATE_JOB_TYPE = 'alerts.evaluate';

export async function evaluateRuleNow(services: Services, principal: Principal, id: string) {
  const rule = await findRule(services, id);
  // A disabled rule is skipped by the evaluation: the job would do nothing, and say so nowhere.
  if (!rule.enabled)
    throw new DomainError('PRECONDITION_FAILED', `the rule ${rule.name} is disabled: enable it to evaluate it`);
  const jobType = services.catalog.find(EVALUATE_JOB_TYPE);
  if (!jobType)
    throw new DomainError('PRECONDITION_FAILED', `this install has no ${EVALUATE_JOB_TYPE} job type to evaluate with`);
  // Through job control like jobs.enqueue: the job records who asked, and the role check is the job type's.
  const job = await startJobWorkflow(services, {
    type: EVALUATE_JOB_TYPE,
    input: jobType.input.parse({ ruleIds: [id] }),
    requestedBy: { name: principal.name, role: principal.role },
  });
  return { jobId: job.id };
}
