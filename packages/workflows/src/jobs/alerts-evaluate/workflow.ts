import type { JobEnvelope } from '../../runtime/envelope';
import { jobActivities, runJob } from '../../sandbox/shell';
import type { AlertsEvaluateInput, alertsEvaluateActivities } from './activities';

export async function alertsEvaluate(job: JobEnvelope<AlertsEvaluateInput>) {
  const { evaluateAlertRules } = jobActivities<ReturnType<typeof alertsEvaluateActivities>>(job);
  return runJob(
    job,
    () => evaluateAlertRules(job.input),
    (result) =>
      `${result.evaluated} rules evaluated, ${result.firing} firing: ${result.opened} opened, ${result.resolved} resolved, ${result.notifications} notifications${
        result.unreadable.length ? `, ${result.unreadable.length} unreadable` : ''
      }`,
  );
}
