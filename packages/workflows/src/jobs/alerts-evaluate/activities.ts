import type { z } from 'zod';
import { evaluateRules, type EvaluationSummary } from '../../alerts/evaluate';
import { startPendingNotifications } from '../../alerts/notify';
import {
  firePostgresAway,
  postgresProblem,
  rememberPostgresRules,
  settlePostgresAway,
} from '../../alerts/postgres-away';
import type { ActivityDeps } from '../../runtime/activity-deps';
import { jobContext } from '../../runtime/job-context';
import type { alertsEvaluateInput } from './index';

export type AlertsEvaluateInput = z.output<typeof alertsEvaluateInput>;
export type AlertsEvaluateResult = EvaluationSummary & {
  notificationsStarted: number;
  /** Rules about Postgres fired from what Redis kept, because Postgres did not answer (alerts/postgres-away.ts). */
  firedWhilePostgresAway?: number;
};

export function alertsEvaluateActivities(deps: ActivityDeps) {
  return {
    async evaluateAlertRules(input: AlertsEvaluateInput): Promise<AlertsEvaluateResult> {
      const job = jobContext(deps);
      // Postgres first: the rules live there, and a rule about Postgres itself is fired from Redis.
      const problem = await postgresProblem(deps);
      if (problem) {
        const fired = await firePostgresAway(deps, problem);
        await job.log('error', `Postgres unreachable (${problem}): ${fired} rules about it fired from Redis`);
        return { ...emptySummary(), notificationsStarted: 0, firedWhilePostgresAway: fired };
      }
      // Firings kept in Redis while Postgres was away become history. Redis being away too delays that
      // to a later evaluation; it never stops this one.
      await settlePostgresAway(deps).catch((error: Error) =>
        job.log('warn', `firings kept while Postgres was away are recorded by a later evaluation: ${error.message}`),
      );
      // Should Postgres go meanwhile, this attempt fails, and the retry finds it away (above).
      const summary = await evaluateRules(deps, {
        ruleIds: input.ruleIds,
        onRule: (done, total) =>
          job.progress({
            percent: total ? Math.round((done / total) * 90) : 90,
            step: 'rules',
            stepsDone: done,
            stepsTotal: total,
          }),
      });
      // Best effort: the next evaluation writes it again.
      await rememberPostgresRules(deps).catch((error: Error) =>
        job.log('warn', `the Postgres rules were not kept in Redis: ${error.message}`),
      );
      for (const { rule, problem } of summary.unreadable) await job.log('warn', `rule ${rule}: ${problem}`);
      // Every notification without a job, this run's and any a crash left behind, gets its alerts.notify job.
      // The firings are committed already: a start that fails is said here and retried by the next run.
      const notificationsStarted = await startPendingNotifications(deps).catch(async (error: Error) => {
        await job.log('error', `notifications wait for the next evaluation: ${error.message}`);
        return 0;
      });
      await job.progress({ percent: 100, step: 'done', message: `${summary.firing} rules firing` });
      return { ...summary, notificationsStarted };
    },
  };
}

function emptySummary(): EvaluationSummary {
  return { evaluated: 0, firing: 0, opened: 0, resolved: 0, unreadable: [], notifications: 0 };
}
