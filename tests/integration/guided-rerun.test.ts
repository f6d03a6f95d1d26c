// Guided reruns on a real Temporal server: rerun a finished job from a step (Temporal's reset), retry a
// pending activity now (ResetActivity), start a job like another, and their bulk forms. Traffic goes
// only to loopback receivers.
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobdeckClient } from '@jobdeck/api/client';
import { writeWorkflowsEntry } from '@jobdeck/workflows/bundle';
import { FAILURE_CONVERTER_PATH, jobdeckDataConverter } from '@jobdeck/workflows/codec';
import { clientAs, db, env, eventually, temporal, waitForState } from '../support/harness';
import { receiverPool, type Answer } from '../support/loopback-receiver';

let operator: JobdeckClient;
let viewer: JobdeckClient;
const receivers = receiverPool();

beforeAll(async () => {
  ({ client: operator } = await clientAs('operator'));
  ({ client: viewer } = await clientAs('viewer'));
});

afterAll(() => receivers.closeAll());

/** A receiver whose answer the test changes as it goes ("fix the receiver"). */
async function switchableReceiver(first: Answer) {
  let answer = first;
  const receiver = await receivers.start('127.0.0.1', () => answer);
  return { ...receiver, answer: (next: Answer) => void (answer = next) };
}

/** A report that fails at its delivery: collect and write done, deliverReport answered 500, no retry. */
async function failedReport(url: string, title: string) {
  const { id } = await operator.jobs.enqueue.mutate({
    type: 'report.generate',
    input: { title, periodHours: 1, deliverTo: { url } },
    options: { maxAttempts: 1 },
  });
  await waitForState(operator, id, ['failed'], 60_000);
  return id;
}

const wroteLines = (jobId: string) => db.jobLog.count({ where: { jobId, message: { startsWith: 'wrote "' } } });

/** How often each activity was scheduled in the job's current run. */
async function scheduledInCurrentRun(jobId: string): Promise<Record<string, number>> {
  const history = await (await temporal()).workflow.getHandle(jobId).fetchHistory();
  const counts: Record<string, number> = {};
  for (const event of history.events ?? []) {
    const name = event.activityTaskScheduledEventAttributes?.activityType?.name;
    if (name) counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

/** A delivery that failed its first attempt and waits out a 120 s Retry-After before the next. */
async function deliveryInBackoff(extra: { headers?: Record<string, string> } = {}) {
  const receiver = await receivers.start('127.0.0.1', (attempt) =>
    attempt === 1 ? { status: 503, headers: { 'Retry-After': '120' } } : { status: 200 },
  );
  const { id } = await operator.jobs.enqueue.mutate({
    type: 'webhook.deliver',
    input: { url: receiver.url, payload: { event: 'guided.retry-now' }, ...extra },
  });
  const steps = await eventually(`${id} waiting out its backoff`, async () => {
    const answer = await operator.jobs.steps.query({ id });
    return answer.steps.at(-1)?.state === 'retrying' ? answer : undefined;
  });
  return { id, receiver, steps };
}

describe('guided rerun: rerun from a step', () => {
  it('reruns a failed report from its delivery, keeping the earlier steps’ work, and from its first step redoing it', async () => {
    const receiver = await switchableReceiver({ status: 500 });
    const id = await failedReport(receiver.url, 'guided rerun');
    expect(receiver.requests).toHaveLength(1);

    const before = await operator.jobs.steps.query({ id });
    expect(before).toMatchObject({ id, rerunnable: true, why: null });
    expect(before.steps.map((step) => [step.activity, step.state])).toEqual([
      ['collectReportRows', 'completed'],
      ['writeReportFile', 'completed'],
      ['deliverReport', 'failed'],
    ]);
    expect(before.steps[2]!.error).toMatch(/answered 500/);
    expect(await wroteLines(id)).toBe(1);

    receiver.answer({ status: 200 });
    const deliver = before.steps[2]!;
    const rerun = await operator.jobs.rerunFromStep.mutate({ id, eventId: deliver.eventId, reason: 'receiver fixed' });
    expect(rerun).toMatchObject({ id, step: 'deliverReport', eventId: deliver.eventId });
    expect(rerun.runId).not.toBe(before.runId);
    const done = await waitForState(operator, id, ['completed'], 60_000);
    expect(done.error ?? null).toBeNull();

    // The receiver got the failed delivery and the rerun's; collect and write ran once.
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.requests[1]!.headers['x-jobdeck-delivery']).toBe(id);
    expect(await wroteLines(id)).toBe(1);
    expect(await scheduledInCurrentRun(id)).toEqual({ collectReportRows: 1, writeReportFile: 1, deliverReport: 1 });
    const record = await db.job.findUniqueOrThrow({ where: { id } });
    expect(record).toMatchObject({ runId: rerun.runId, state: 'completed', error: null });
    expect(record.finishedAt).not.toBeNull();
    const line = await db.jobLog.findFirst({ where: { jobId: id, message: { startsWith: 'rerun from step' } } });
    expect(line?.message).toMatch(/rerun from step deliverReport .* by .*: receiver fixed/);
    // Temporal shows who and why on the reset (the new run's failed workflow task at the reset point).
    const history = await (await temporal()).workflow.getHandle(id).fetchHistory();
    const reset = history.events?.find((event) => event.workflowTaskFailedEventAttributes?.failure);
    expect(reset?.workflowTaskFailedEventAttributes?.failure?.message).toMatch(
      /rerun from deliverReport by .*: receiver fixed/,
    );

    // From the first step: everything again, in a third run.
    const after = await operator.jobs.steps.query({ id });
    expect(after.steps.map((step) => step.state)).toEqual(['completed', 'completed', 'completed']);
    const again = await operator.jobs.rerunFromStep.mutate({
      id,
      eventId: after.steps[0]!.eventId,
      reason: 'redo the whole report',
    });
    expect(again.step).toBe('collectReportRows');
    await eventually('the third run to complete', async () => {
      const job = await operator.jobs.get.query({ id });
      return job.state === 'completed' && (await db.job.findUnique({ where: { id } }))?.runId === again.runId;
    });
    expect(await wroteLines(id)).toBe(2);
    expect(receiver.requests).toHaveLength(3);

    // Temporal keeps all three runs (`temporal workflow list` shows each); the jobs list shows the job once.
    await eventually('three runs in Temporal', async () => {
      const runs = await (await temporal()).workflow.count(`WorkflowId='${id}'`);
      return runs.count === 3 || undefined;
    });
    const listed = await eventually('the job in the list', async () => {
      const page = await operator.jobs.list.query({ type: 'report.generate', limit: 100 });
      return page.items.some((item) => item.id === id) ? page : undefined;
    });
    expect(listed.items.filter((item) => item.id === id)).toEqual([
      expect.objectContaining({ id, runId: again.runId, state: 'completed' }),
    ]);

    // The reset run's history (a report with deliverTo, a reset in it) replays on today's workflow code.
    const bundle = process.env.JOBDECK_WORKFLOW_BUNDLE;
    const replay = {
      ...(bundle ? { workflowBundle: { codePath: bundle } } : { workflowsPath: writeWorkflowsEntry() }),
      // As the shell suite replays: the failure converter by path, for the bundle (see its replayOptions).
      failureConverterPath: FAILURE_CONVERTER_PATH,
      dataConverter: jobdeckDataConverter(env.encryptionKeys),
    };
    await Worker.runReplayHistory(replay, await (await temporal()).workflow.getHandle(id).fetchHistory(), id);
  });

  it('refuses unknown steps, unknown jobs, bad reasons and viewers', async () => {
    const receiver = await switchableReceiver({ status: 500 });
    const id = await failedReport(receiver.url, 'guided refusals');
    const { steps } = await operator.jobs.steps.query({ id });
    await expect(operator.jobs.rerunFromStep.mutate({ id, eventId: 99_999, reason: 'x' })).rejects.toMatchObject({
      message: expect.stringMatching(/no step scheduled by event 99999/),
      data: { code: 'PRECONDITION_FAILED' },
    });
    await expect(
      operator.jobs.rerunFromStep.mutate({ id: 'report.generate-nope', eventId: 5, reason: 'x' }),
    ).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
    await expect(
      operator.jobs.rerunFromStep.mutate({ id, eventId: steps[0]!.eventId, reason: 'two\nlines' }),
    ).rejects.toMatchObject({ data: { code: 'BAD_REQUEST' } });
    await expect(
      operator.jobs.rerunFromStep.mutate({ id, eventId: steps[0]!.eventId, reason: '' }),
    ).rejects.toMatchObject({ data: { code: 'BAD_REQUEST' } });
    await expect(
      viewer.jobs.rerunFromStep.mutate({ id, eventId: steps[0]!.eventId, reason: 'viewer' }),
    ).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
    // Nothing was reset.
    expect((await db.job.findUniqueOrThrow({ where: { id } })).state).toBe('failed');
  });
});

describe('guided rerun: retry the pending activity now', () => {
  it('starts the next attempt within seconds instead of after a 120 s backoff, and refuses a rerun meanwhile', async () => {
    const { id, receiver, steps } = await deliveryInBackoff();
    expect(receiver.requests).toHaveLength(1);
    expect(steps).toMatchObject({ rerunnable: false, why: expect.stringMatching(/is running/) });
    await expect(
      operator.jobs.rerunFromStep.mutate({ id, eventId: steps.steps[0]!.eventId, reason: 'not yet' }),
    ).rejects.toMatchObject({ data: { code: 'PRECONDITION_FAILED' } });
    await expect(viewer.jobs.retryActivityNow.mutate({ id })).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });

    const asked = Date.now();
    const retried = await operator.jobs.retryActivityNow.mutate({ id, retry: { maxAttempts: 3 } });
    expect(retried).toMatchObject({ id, activity: 'deliverWebhook', activityId: steps.steps[0]!.activityId });
    await eventually('the second request', async () => receiver.requests.length >= 2, 10_000, 50);
    const latencyMs = receiver.requests[1]!.at - asked;
    console.log(
      `retry-activity-now: second attempt reached the receiver ${latencyMs} ms after the request ` +
        `(X-Jobdeck-Attempt ${receiver.requests[1]!.headers['x-jobdeck-attempt']})`,
    );
    expect(latencyMs).toBeLessThan(5_000);
    await waitForState(operator, id, ['completed'], 30_000);

    const record = await db.job.findUniqueOrThrow({ where: { id } });
    expect(record.attempts).toBeGreaterThanOrEqual(1);
    const line = await db.jobLog.findFirst({ where: { jobId: id, message: { contains: 'retried now by' } } });
    expect(line?.message).toMatch(/deliverWebhook retried now by .*counts its attempts from 1 again/);
    await expect(operator.jobs.retryActivityNow.mutate({ id })).rejects.toMatchObject({
      data: { code: 'PRECONDITION_FAILED' },
    });
  });
});

describe('guided rerun: start like this one, and the bulk forms', () => {
  it('starts a job like another with an edited input, keeping secrets the dashboard saw redacted', async () => {
    const receiver = await receivers.start('127.0.0.1', () => ({ status: 200 }));
    const { id } = await operator.jobs.enqueue.mutate({
      type: 'webhook.deliver',
      input: { url: receiver.url, payload: { n: 1, keep: 'yes' }, headers: { Authorization: 'Bearer guided-s3cret' } },
    });
    await waitForState(operator, id, ['completed']);
    const shown = await operator.jobs.get.query({ id });
    const shownHeaders = (shown.input as { headers: Record<string, string> }).headers;
    expect(shownHeaders.Authorization).toBe('[redacted]');

    const copy = await operator.jobs.startLike.mutate({ id, input: { payload: { n: 2 }, headers: shownHeaders } });
    expect(copy).toMatchObject({ copiedFrom: id, created: true });
    expect(copy.id).not.toBe(id);
    await waitForState(operator, copy.id, ['completed']);
    const copied = await db.job.findUniqueOrThrow({ where: { id: copy.id } });
    expect(copied.input).toMatchObject({
      payload: { n: 2, keep: 'yes' },
      headers: { Authorization: 'Bearer guided-s3cret' },
    });
    expect(receiver.requests.at(-1)!.headers.authorization).toBe('Bearer guided-s3cret');
    expect(JSON.parse(receiver.requests.at(-1)!.body)).toEqual({ n: 2, keep: 'yes' });

    await expect(operator.jobs.startLike.mutate({ id, input: { url: 'ftp://nowhere' } })).rejects.toMatchObject({
      data: { code: 'BAD_REQUEST' },
    });
    await expect(viewer.jobs.startLike.mutate({ id })).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
  });

  it('reruns, retries now and starts copies in bulk, skipping the jobs an action does not apply to', async () => {
    const receiver = await switchableReceiver({ status: 500 });
    const failed = await failedReport(receiver.url, 'guided bulk');
    const other = await operator.jobs.enqueue.mutate({
      type: 'data.sync',
      input: { source: 'guided.bulk', records: 1 },
    });
    await waitForState(operator, other.id, ['completed']);
    receiver.answer({ status: 200 });

    const request = {
      action: 'rerun_from_step' as const,
      ids: [failed, other.id],
      step: { activity: 'deliverReport' },
      reason: 'bulk: receiver fixed',
    };
    expect(await operator.jobs.bulkPreview.query(request)).toMatchObject({ count: 2, runsAsJob: false });
    const reruns = await operator.jobs.bulk.mutate(request);
    expect(reruns.results).toEqual([
      { id: failed, outcome: 'done' },
      { id: other.id, outcome: 'skipped', reason: expect.stringMatching(/has no step deliverReport/) },
    ]);
    await waitForState(operator, failed, ['completed'], 60_000);
    expect(await wroteLines(failed)).toBe(1);
    expect(receiver.requests).toHaveLength(2);

    const waiting = await deliveryInBackoff();
    const asked = Date.now();
    const retries = await operator.jobs.bulk.mutate({ action: 'retry_activity_now', ids: [waiting.id, other.id] });
    expect(retries.results).toEqual([
      { id: waiting.id, outcome: 'done' },
      { id: other.id, outcome: 'skipped', reason: expect.stringMatching(/has ended/) },
    ]);
    await eventually('the bulk retry’s second request', async () => waiting.receiver.requests.length >= 2, 10_000, 50);
    expect(waiting.receiver.requests[1]!.at - asked).toBeLessThan(5_000);

    const copies = await operator.jobs.bulk.mutate({
      action: 'start_like',
      ids: [other.id],
      changes: { input: { records: 2 } },
    });
    expect(copies.results).toEqual([{ id: other.id, outcome: 'done', newId: expect.any(String) }]);
    const copyId = copies.results[0]!.newId!;
    await waitForState(operator, copyId, ['completed']);
    expect((await db.job.findUniqueOrThrow({ where: { id: copyId } })).input).toMatchObject({
      source: 'guided.bulk',
      records: 2,
    });

    // More than 25 jobs: the durable bulk.action job applies the same action to each (unknown ids skipped).
    const unknown = Array.from({ length: 25 }, (_, index) => `data.sync-guided-nothing-${index}`);
    const durable = await operator.jobs.bulk.mutate({ action: 'start_like', ids: [other.id, ...unknown] });
    expect(durable).toMatchObject({ mode: 'job', count: 26 });
    const bulkJob = await waitForState(operator, durable.jobId!, ['completed'], 60_000);
    expect(bulkJob.result).toMatchObject({ action: 'start_like', total: 26, done: 1, skipped: 25, failed: 0 });
    // A bulk action is neither copied nor rerun in bulk: each copy would act on bulk actions again.
    const nested = await operator.jobs.bulk.mutate({ action: 'start_like', ids: [durable.jobId!] });
    expect(nested.results).toEqual([
      { id: durable.jobId, outcome: 'skipped', reason: 'a bulk action is not copied in bulk' },
    ]);

    await expect(
      operator.jobs.bulk.mutate({ action: 'rerun_from_step', ids: [failed], reason: 'no step named' }),
    ).rejects.toMatchObject({ data: { code: 'BAD_REQUEST' } });
  });
});
