import { z } from 'zod';
import { defineJob } from '../../runtime/define-job';
import { alertsEvaluateActivities } from './activities';

export const alertsEvaluateInput = z.object({
  /** Evaluate only these rules (tests, "evaluate now"); every enabled rule when absent. */
  ruleIds: z.array(z.uuid()).max(1_000).optional(),
});

export default defineJob(import.meta.url, {
  type: 'alerts.evaluate',
  description:
    'Evaluates the alert rules: opens a firing when a condition starts, repeats it while it lasts, resolves it when it ends, and queues the notifications.',
  // A queue of its own, one evaluation at a time: rules are never judged twice at once by one worker,
  // and a busy job queue never delays an alert.
  queue: 'alerts',
  concurrency: 1,
  input: alertsEvaluateInput,
  example: {},
  // The next minute's run evaluates again: a failed run retries briefly, not for long.
  retry: { maxAttempts: 2, initialIntervalMs: 5_000, backoffCoefficient: 2, maximumIntervalMs: 10_000 },
  timeouts: { activityStartToCloseMs: 5 * 60_000, heartbeatMs: 60_000 },
  activities: alertsEvaluateActivities,
  builtInSchedule: {
    name: 'Alert evaluation',
    description:
      'Every minute: evaluates every enabled alert rule, records its firings (started, lasting, resolved) and notifies its channels.',
    cron: ['* * * * *'],
    overlap: 'skip',
    input: {},
  },
});
