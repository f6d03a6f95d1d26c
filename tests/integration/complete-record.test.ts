// The job record in Postgres is a complete history on its own: after a mix of every way a job can
// end, with no one reading any job in between, each record equals what Temporal says happened.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobdeckClient } from '@jobdeck/api/client';
import { clientAs, db, eventually, temporal, waitForState } from '../support/harness';

let operator: JobdeckClient;
let admin: JobdeckClient;

beforeAll(async () => {
  ({ client: operator } = await clientAs('operator'));
  ({ client: admin } = await clientAs('admin'));
});

afterAll(async () => {
  await db.$disconnect();
});

const STATUS_TO_STATE: Record<string, string> = {
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed_out',
};
const closedPort = 'http://127.0.0.1:9/closed';

type EnqueueRequest = Parameters<JobdeckClient['jobs']['enqueue']['mutate']>[0];

/** A data.sync of one record from `source`. */
const oneRecordSync = (source: string, options: EnqueueRequest['options']): EnqueueRequest => ({
  type: 'data.sync',
  input: { source, records: 1 },
  options,
});

async function enqueueMany(count: number, request: () => EnqueueRequest): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, count - i) }, () => operator.jobs.enqueue.mutate(request())),
    );
    ids.push(...batch.map((job) => job.id));
  }
  return ids;
}

describe('the complete record', () => {
  it('matches Temporal for 200+ jobs that completed, failed, retried, were cancelled, terminated, timed out, rate-limited, delayed and scheduled', async () => {
    const client = await temporal();
    const tag = Date.now().toString(36);
    const completed = await enqueueMany(100, () => ({
      type: 'data.sync',
      input: { source: `rec.${tag}`, records: 2 },
    }));
    const failed = await enqueueMany(20, () => ({
      type: 'webhook.deliver',
      input: { url: closedPort, payload: { n: 1 } },
      options: { maxAttempts: 1 },
    }));
    const retried = await enqueueMany(20, () => ({
      type: 'webhook.deliver',
      input: { url: closedPort, payload: { n: 2 } },
      options: { maxAttempts: 2 },
    }));
    const rateLimited = await enqueueMany(10, () =>
      oneRecordSync(`rl.${tag}`, { rateLimit: { key: `rec-${tag}`, limit: 4, intervalMs: 1_000 } }),
    );
    const delayed = await enqueueMany(10, () => oneRecordSync(`dl.${tag}`, { delayMs: 1_500 }));
    // Held back by a long delay, so that they end while waiting: cancelled through the API, terminated around it.
    const toCancel = await enqueueMany(15, () => oneRecordSync(`cx.${tag}`, { delayMs: 600_000 }));
    const toTerminate = await enqueueMany(15, () => oneRecordSync(`tx.${tag}`, { delayMs: 600_000 }));
    // The workflow's own timeout ends these mid-work: only Temporal knows, the shell cannot record it.
    const timedOut = await enqueueMany(10, () => ({
      type: 'data.sync',
      input: { source: `to.${tag}`, records: 500, batchSize: 1, throttleMs: 50 },
      options: { timeoutMs: 1_000 },
    }));
    for (const id of toCancel) await operator.jobs.cancel.mutate({ id });
    await Promise.all(
      toTerminate.map((id) => client.workflow.getHandle(id).terminate('terminated around Jobdeck by the record test')),
    );

    const { id: scheduleId } = await admin.schedules.create.mutate({
      name: `record test ${tag}`,
      type: 'data.sync',
      input: { source: `sc.${tag}`, records: 1 },
      cron: ['0 0 1 1 *'],
      overlap: 'allow_all',
    });
    for (let i = 0; i < 5; i++) {
      await admin.schedules.trigger.mutate({ id: scheduleId });
      await new Promise((resolve) => setTimeout(resolve, 1_100));
    }

    const jobs = [
      ...completed,
      ...failed,
      ...retried,
      ...rateLimited,
      ...delayed,
      ...toCancel,
      ...toTerminate,
      ...timedOut,
    ];
    const requestedBy = (await operator.auth.me.query()).name;
    await eventually(
      'every job closed in Temporal',
      async () => {
        const open = await client.workflow.count(
          `ExecutionStatus='Running' AND (RequestedBy='${requestedBy}' OR TemporalScheduledById='${scheduleId}')`,
        );
        return open.count === 0;
      },
      180_000,
      1_000,
    );
    const scheduled: string[] = [];
    for await (const execution of client.workflow.list({ query: `TemporalScheduledById='${scheduleId}'` }))
      scheduled.push(execution.workflowId);
    expect(scheduled).toHaveLength(5);
    jobs.push(...scheduled);
    expect(jobs.length).toBeGreaterThanOrEqual(200);

    // What no workflow can record itself (terminations, timeouts) the reconciler records: run it now rather than wait a minute.
    const { id: reconcileId } = await admin.jobs.enqueue.mutate({
      type: 'maintenance.reconcile',
      input: { lookbackMinutes: 30 },
    });
    await waitForState(admin, reconcileId, ['completed'], 60_000);

    const records = new Map(
      (await db.job.findMany({ where: { id: { in: jobs } } })).map((record) => [record.id, record]),
    );
    const mismatches: string[] = [];
    const tally: Record<string, number> = {};
    for (const id of jobs) {
      const record = records.get(id);
      const handle = client.workflow.getHandle(id);
      const [description, history] = await Promise.all([handle.describe(), handle.fetchHistory()]);
      const state = STATUS_TO_STATE[description.status.name];
      tally[state ?? description.status.name] = (tally[state ?? description.status.name] ?? 0) + 1;
      const starts = (history.events ?? []).filter((event) => event.activityTaskStartedEventAttributes);
      const attempts = Math.max(0, ...starts.map((event) => event.activityTaskStartedEventAttributes!.attempt ?? 1));
      // Temporal writes an activity's started event when the attempt ends: one running when the
      // workflow timed out or was terminated never gets it. The worker recorded that attempt's start.
      const scheduled = (history.events ?? []).filter((event) => event.activityTaskScheduledEventAttributes).length;
      const cutOffAttempt = (state === 'timed_out' || state === 'terminated') && scheduled > starts.length;
      if (!record) {
        mismatches.push(`${id}: no record`);
        continue;
      }
      if (record.state !== state) mismatches.push(`${id}: state ${record.state}, Temporal ${state}`);
      if (record.attempts !== attempts && !(cutOffAttempt && record.attempts === attempts + 1))
        mismatches.push(`${id}: attempts ${record.attempts}, Temporal ${attempts}`);
      if (!record.finishedAt || Math.abs(record.finishedAt.getTime() - description.closeTime!.getTime()) > 1_000) {
        mismatches.push(
          `${id}: finished ${record.finishedAt?.toISOString()}, Temporal ${description.closeTime?.toISOString()}`,
        );
      }
      if (Math.abs(record.createdAt.getTime() - description.startTime.getTime()) > 2_000)
        mismatches.push(
          `${id}: created ${record.createdAt.toISOString()}, Temporal started ${description.startTime.toISOString()}`,
        );
      // Temporal writes one ActivityTaskStarted per activity, at its end, with the last attempt's start time.
      const lastStart = starts.at(-1)?.eventTime;
      const startedAt = lastStart
        ? new Date(Number(lastStart.seconds) * 1000 + Math.floor((lastStart.nanos ?? 0) / 1e6))
        : null;
      const startOk =
        startedAt === null
          ? record.startedAt === null ||
            (cutOffAttempt &&
              record.attempts === 1 &&
              // An attempt may start as the workflow closes: the worker's clock, within the test's 1 s.
              record.startedAt.getTime() <= description.closeTime!.getTime() + 1_000)
          : record.startedAt !== null &&
            (attempts > 1
              ? record.startedAt <= startedAt
              : Math.abs(startedAt.getTime() - record.startedAt.getTime()) <= 1_000);
      if (!startOk)
        mismatches.push(
          `${id}: started ${record.startedAt?.toISOString()} (attempts ${record.attempts}), Temporal's attempt ${attempts} started ${startedAt?.toISOString()}, closed ${description.closeTime?.toISOString()}`,
        );
    }
    console.log(
      `complete record: ${jobs.length} jobs (${Object.entries(tally)
        .map(([state, count]) => `${count} ${state}`)
        .join(
          ', ',
        )}), ${mismatches.length} mismatches${mismatches.length ? `:\n${mismatches.slice(0, 30).join('\n')}` : ''}`,
    );
    expect(mismatches).toEqual([]);
    expect(tally).toMatchObject({ completed: 125, failed: 40, cancelled: 15, terminated: 15, timed_out: 10 });
    const terminatedRecord = records.get(toTerminate[0]!)!;
    expect(terminatedRecord.error).toBe('terminated: terminated around Jobdeck by the record test');
    expect(records.get(timedOut[0]!)!.error).toBe('timed out after 1000 ms');
    await admin.schedules.delete.mutate({ id: scheduleId });
  }, 300_000);
});
