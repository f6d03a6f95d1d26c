import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/client';
import { buildJobStart, enqueueOptions, keyedJobId } from '../../control/start';
import type { AlertRuleKind } from '../../runtime/alert-vocabulary';
import { redactText } from '../../runtime/redact';
import { withTimeLimit } from '../../runtime/time-limit';
import { firingContent } from '../evaluate/content';
import { NOTIFY_JOB_TYPE } from '../notify';
import { keys, withRedis, type AwayFiring, type Deps, type RememberedChannel, type RememberedRule } from './store';

const PROBE_TIMEOUT_MS = 5_000;

/** Why Postgres does not answer (connection refused, a timeout), or null when it does. */
export async function postgresProblem(deps: Pick<Deps, 'sql'>): Promise<string | null> {
  try {
    await withTimeLimit(
      deps.sql.query('SELECT 1'),
      PROBE_TIMEOUT_MS,
      () => new Error(`no answer in ${PROBE_TIMEOUT_MS / 1000} s`),
    );
    return null;
  } catch (error) {
    return redactText((error as Error).message || String(error));
  }
}

/**
 * Postgres did not answer: fires each remembered rule that is not firing yet (nor silenced), each of
 * its channels told by a job started in Temporal. Returns how many rules fired now.
 */
export async function firePostgresAway(deps: Deps, problem: string, now = new Date()): Promise<number> {
  const fired = await withRedis(deps, async (redis) => {
    const key = keys(deps.alerting.redisPrefix);
    const stored = await redis.get(key.rules);
    const rules = stored ? (JSON.parse(stored) as RememberedRule[]) : [];
    let count = 0;
    for (const rule of rules) {
      if (rule.silencedUntil && Date.parse(rule.silencedUntil) > now.getTime()) continue;
      const firing: AwayFiring = {
        firingId: randomUUID(),
        ruleId: rule.id,
        message: `Postgres unreachable: ${problem}`.slice(0, 500),
        facts: [
          { label: 'Reachable', value: `no: ${problem}`.slice(0, 300) },
          { label: 'Seen by', value: 'the alert evaluation, from the rules it kept in Redis' },
        ],
        startedAt: now.toISOString(),
        notified: [],
      };
      // NX: one firing per outage, however many evaluations run while it lasts.
      if ((await redis.set(key.firing(rule.id), JSON.stringify(firing), 'NX')) !== 'OK') continue;
      await redis.sadd(key.open, rule.id);
      count += 1;
      const content = firingContent({
        event: 'fired',
        rule: { id: rule.id, name: rule.name, kind: 'dependency' as AlertRuleKind, severity: rule.severity },
        firing: {
          id: firing.firingId,
          subject: '',
          message: firing.message,
          facts: firing.facts,
          startedAt: now,
          resolvedAt: null,
        },
        now,
        dashboardUrl: deps.alerting.dashboardUrl,
      });
      for (const channel of rule.channels) {
        const jobId = await startAwayNotification(deps, { channel, content, deliveryId: randomUUID() }, firing, now);
        if (jobId) firing.notified.push({ channelId: channel.id, jobId });
      }
      await redis.set(key.firing(rule.id), JSON.stringify(firing));
      await deps.events.publish({
        kind: 'alert.fired',
        firingId: firing.firingId,
        ruleId: rule.id,
        ruleName: rule.name,
        ruleKind: 'dependency',
        severity: rule.severity,
        subject: '',
        message: firing.message,
        at: now.toISOString(),
      });
    }
    return count;
  });
  return fired ?? 0;
}

async function startAwayNotification(
  deps: Deps,
  postgresAway: { channel: RememberedChannel; content: object; deliveryId: string },
  firing: AwayFiring,
  now: Date,
): Promise<string | null> {
  const jobType = deps.catalog.find(NOTIFY_JOB_TYPE)!;
  const idempotencyKey = `pg-away-${firing.firingId}-${postgresAway.channel.id}`;
  const id = keyedJobId(jobType.type, idempotencyKey);
  const { workflowOptions } = buildJobStart({
    jobType,
    id,
    input: { postgresAway },
    options: enqueueOptions.parse({ idempotencyKey }),
    requestedBy: { name: 'system:alerts', role: 'operator' },
    now,
  });
  try {
    // Straight to Temporal: startJobWorkflow would ask Postgres first. The worker writes the record later.
    await deps.temporal.workflow.start(jobType.workflowType, {
      ...workflowOptions,
      workflowId: id,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
    return id;
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return id;
    console.warn(`alert notification for ${postgresAway.channel.name} not started: ${(error as Error).message}`);
    return null;
  }
}
