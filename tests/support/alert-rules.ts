// What the alert-rule tests share: rules and channels written straight to Postgres (as the API's
// alerts procedures would), one real evaluation of given rules as an alerts.evaluate job, and the stuck check.
import { randomUUID } from 'node:crypto';
import type { JobdeckClient } from '@jobdeck/api/client';
import { db, waitForState } from './harness';

export async function createRule(
  kind: string,
  condition: Record<string, string | number | boolean>,
  extra: { repeatMinutes?: number; silencedUntil?: Date; channelIds?: string[]; severity?: 'low' | 'high' } = {},
) {
  return db.alertRule.create({
    data: {
      name: `it ${kind} ${randomUUID().slice(0, 8)}`,
      kind,
      condition,
      severity: extra.severity ?? 'high',
      repeatMinutes: extra.repeatMinutes ?? null,
      silencedUntil: extra.silencedUntil ?? null,
      silenceNote: extra.silencedUntil ? 'maintenance window' : null,
      createdBy: 'admin@localhost',
      channels: { create: (extra.channelIds ?? []).map((channelId) => ({ channelId })) },
    },
  });
}

/** A webhook channel to a loopback receiver: its notification rows are what the evaluation decides. */
export async function createChannel(url: string) {
  return db.alertChannel.create({
    data: {
      name: `it channel ${randomUUID().slice(0, 8)}`,
      kind: 'webhook',
      config: { url },
      createdBy: 'admin@localhost',
    },
  });
}

/**
 * One real evaluation of these rules, as the schedule runs it every minute (only these: other tests'
 * rules are not judged here), on the `alerts` queue or another a worker of the test's polls.
 */
export async function evaluate(admin: JobdeckClient, ruleIds: string[], queue?: string) {
  const { id } = await admin.jobs.enqueue.mutate({
    type: 'alerts.evaluate',
    input: { ruleIds },
    ...(queue && { options: { queue } }),
  });
  return waitForState(admin, id, ['completed'], 90_000);
}

export const firingsOf = (ruleId: string) =>
  db.alertFiring.findMany({ where: { ruleId }, orderBy: { startedAt: 'asc' } });
export const ruleOf = (ruleId: string) => db.alertRule.findUniqueOrThrow({ where: { id: ruleId } });
export const factsOf = (firing: { facts: unknown }): Record<string, string> =>
  Object.fromEntries((firing.facts as Array<{ label: string; value: string }>).map((fact) => [fact.label, fact.value]));

/** maintenance.stuck-check with a 1-minute threshold, run now as a job. */
export async function stuckCheck(admin: JobdeckClient) {
  const { id } = await admin.jobs.enqueue.mutate({ type: 'maintenance.stuck-check', input: { thresholdMinutes: 1 } });
  await waitForState(admin, id, ['completed'], 90_000);
}
