// insight.* end to end: real jobs run through Temporal on a queue of the test's own show up in the
// trends, run and wait times and failure groups (two receivers on two ports: one cause), a whole
// group is retried through the bulk action and its preview, and a running job says when it ends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobdeckClient } from '@jobdeck/api/client';
import {
  clientAs,
  eventually,
  reconciled,
  spawnWorker,
  temporal,
  waitForPoller,
  waitForState,
  webhookReceiver,
} from '../support/harness';

const QUEUE = 'it-insight';
let operator: JobdeckClient;
let viewer: JobdeckClient;
let worker: ReturnType<typeof spawnWorker>;

beforeAll(async () => {
  ({ client: operator } = await clientAs('operator'));
  ({ client: viewer } = await clientAs('viewer'));
  worker = spawnWorker(`${QUEUE}:4`);
  await waitForPoller(QUEUE, worker);
});

afterAll(() => {
  if (worker?.exitCode === null) worker.kill('SIGTERM');
});

const scope = { window: '1h' as const, queue: QUEUE };

describe('insight from real jobs', () => {
  it('counts, times and groups them, and retries a whole failure group', async () => {
    let healed = false;
    const refusing = [
      await webhookReceiver(() => (healed ? 200 : 400)),
      await webhookReceiver(() => (healed ? 200 : 400)),
    ];
    const working = await webhookReceiver(() => 200);
    try {
      const enqueue = (url: string, n: number) =>
        operator.jobs.enqueue.mutate({
          type: 'webhook.deliver',
          input: { url, payload: { n } },
          options: { queue: QUEUE },
        });
      const jobs = [
        ...(await Promise.all([1, 2, 3].map((n) => enqueue(refusing[0]!.url, n)))),
        ...(await Promise.all([4, 5].map((n) => enqueue(refusing[1]!.url, n)))),
        ...(await Promise.all([6, 7, 8].map((n) => enqueue(working.url, n)))),
      ];
      for (const [index, job] of jobs.entries())
        await waitForState(operator, job.id, [index < 5 ? 'failed' : 'completed']);

      const trends = await eventually('the jobs in the trends', async () => {
        const answer = await viewer.insight.trends.query(scope);
        return answer.totals.total === 8 ? answer : undefined;
      });
      expect(trends.totals).toMatchObject({ completed: 3, failed: 5, successRate: 3 / 8 });
      expect(trends.window).toMatchObject({ bucketMs: 60_000, grain: 'minute', filter: { queue: QUEUE } });
      expect(trends.buckets.reduce((sum, bucket) => sum + bucket.completed + bucket.failed, 0)).toBe(8);

      const performance = await viewer.insight.performance.query(scope);
      const queue = performance.byQueue.find((row) => row.name === QUEUE)!;
      expect(queue).toMatchObject({ jobs: 8, attemptsPerJob: 1, retriedJobs: 0 });
      expect(queue.run.count).toBe(8);
      expect(queue.wait.count).toBe(8);
      expect(queue.run.p50Ms).toBeGreaterThan(0);
      expect(queue.run.p99Ms!).toBeLessThanOrEqual(queue.run.maxMs!);
      expect(performance.byType.map((row) => row.name)).toEqual(['webhook.deliver']);
      expect(performance.slowest.map((job) => job.id).every((id) => jobs.some((job) => job.id === id))).toBe(true);

      // Two receivers on two ports, one cause.
      const failures = await viewer.insight.failures.query(scope);
      expect(failures.groups).toHaveLength(1);
      const [group] = failures.groups;
      expect(group).toMatchObject({
        errorType: 'HttpClientError',
        count: 5,
        types: [{ name: 'webhook.deliver', count: 5 }],
        queues: [{ name: QUEUE, count: 5 }],
      });
      expect(group!.message).toBe('HttpClientError: <ip> answered <4xx> Bad Request');
      expect(group!.sampleJobIds.sort()).toEqual(
        jobs
          .slice(0, 5)
          .map((job) => job.id)
          .sort(),
      );
      // No stack in an overview of many jobs: the worker's paths and source lines stay on the job's page.
      expect(JSON.stringify(failures)).not.toMatch(/node_modules|\.ts:\d+|\bat \S+ \(/);
      expect((await viewer.jobs.get.query({ id: group!.latest!.jobId })).errorStack).toEqual(expect.any(String));
      expect(group!.latest?.error).toMatch(/^127\.0\.0\.1:\d+ answered 400 Bad Request$/);
      expect(failures.recommendations.map((item) => item.id)).toContain(`client-error:${group!.fingerprint}`);
      expect(failures.topTypes).toEqual([{ type: 'webhook.deliver', unsuccessful: 5, total: 8, failureRate: 0.625 }]);

      // A viewer may look, not retry.
      await expect(viewer.jobs.bulkPreview.query({ action: 'retry', filter: group!.retry.filter })).rejects.toThrow(
        /FORBIDDEN|role/i,
      );
      // The receivers are fixed; the whole group is retried through the bulk action and its preview.
      healed = true;
      const preview = await operator.jobs.bulkPreview.query({ action: 'retry', filter: group!.retry.filter });
      expect(preview).toMatchObject({ action: 'retry', count: 5, runsAsJob: false });
      expect([...preview.sample].sort()).toEqual(group!.sampleJobIds.sort());
      const run = await operator.jobs.bulk.mutate({ action: 'retry', filter: group!.retry.filter });
      expect(run.results.map((result) => result.outcome)).toEqual(['done', 'done', 'done', 'done', 'done']);
      for (const result of run.results) await waitForState(operator, result.newId!, ['completed']);
      const after = await eventually('the retries in the trends', async () => {
        const answer = await viewer.insight.trends.query(scope);
        return answer.totals.completed === 8 ? answer : undefined;
      });
      expect(after.totals).toMatchObject({ failed: 5, total: 13 });
      // Retried once, a job is not retried again by the same group action.
      const again = await operator.jobs.bulk.mutate({ action: 'retry', filter: group!.retry.filter });
      expect(again.results.every((result) => result.outcome === 'skipped')).toBe(true);
    } finally {
      for (const receiver of [...refusing, working]) await receiver.close();
    }
  });

  it('counts the time a job spent waiting on retries', async () => {
    const flaky = await webhookReceiver((attempt) => (attempt === 1 ? 503 : 200));
    try {
      const job = await operator.jobs.enqueue.mutate({
        type: 'webhook.deliver',
        input: { url: flaky.url, payload: { flaky: true } },
        options: { queue: QUEUE },
      });
      await waitForState(operator, job.id, ['completed']);
      const record = await viewer.jobs.get.query({ id: job.id });
      expect(record.attempts).toBe(2);
      const performance = await eventually('the retried job in the figures', async () => {
        const answer = await viewer.insight.performance.query({ ...scope, type: 'webhook.deliver' });
        return answer.byQueue[0]?.retriedJobs ? answer : undefined;
      });
      const [row] = performance.byQueue;
      expect(row!.retriedJobs).toBe(1);
      // The backoff's first interval is 1 s: the wait between the attempts is about that long.
      expect(row!.retryWaitMs.total).toBeGreaterThanOrEqual(900);
      expect(row!.retryWaitMs.total).toBeLessThan(10_000);
      expect(row!.retryWaitMs.perRetriedJob).toBe(row!.retryWaitMs.total);
    } finally {
      await flaky.close();
    }
  });

  it('estimates the time left of a running job from its progress', async () => {
    const job = await operator.jobs.enqueue.mutate({
      type: 'data.sync',
      input: { source: 'insight.eta', records: 40, batchSize: 4, throttleMs: 1_000 },
      options: { queue: QUEUE },
    });
    const page = await eventually(
      'an estimate on the job page',
      async () => {
        const answer = await viewer.jobs.get.query({ id: job.id });
        return answer.estimate ? answer : undefined;
      },
      30_000,
    );
    expect(page.state).toMatch(/active|retrying/);
    expect(page.estimate).toMatchObject({ basis: expect.stringMatching(/progress|both/) });
    expect(page.estimate!.remainingMs).toBeGreaterThan(0);
    expect(page.estimate!.remainingMs).toBeLessThan(60_000);
    expect(page.estimate!.detail).toMatch(/from its progress: \d+ % in/);
    const listed = await viewer.jobs.list.query({ queue: QUEUE, state: 'active' });
    expect(listed.items.find((item) => item.id === job.id)?.estimate).toMatchObject({ basis: expect.any(String) });
    await waitForState(operator, job.id, ['completed']);
    expect((await viewer.jobs.get.query({ id: job.id })).estimate).toBeNull();
  });

  it('counts a job terminated around Jobdeck once the reconciler records its end', async () => {
    // Delayed an hour: it is still waiting when Temporal terminates it, so no workflow code records the end.
    const job = await operator.jobs.enqueue.mutate({
      type: 'data.sync',
      input: { source: 'insight.terminated', records: 1 },
      options: { queue: QUEUE, delayMs: 3_600_000 },
    });
    await (await temporal()).workflow.getHandle(job.id).terminate('terminated around Jobdeck by the insight test');
    await reconciled(job.id, 'terminated');
    const failures = await eventually('the termination in the failure groups', async () => {
      const answer = await viewer.insight.failures.query(scope);
      return answer.groups.some((group) => group.errorType === 'Terminated') ? answer : undefined;
    });
    const group = failures.groups.find((entry) => entry.errorType === 'Terminated')!;
    expect(group).toMatchObject({ count: 1, sampleJobIds: [job.id], types: [{ name: 'data.sync', count: 1 }] });
    expect((await viewer.insight.trends.query(scope)).totals.terminated).toBe(1);
  });
});
