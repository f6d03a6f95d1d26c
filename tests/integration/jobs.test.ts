import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobdeckClient } from '@jobdeck/api/client';
import {
  clientAs,
  db,
  eventually,
  reconciled,
  temporal,
  temporalCli,
  waitForState,
  webhookReceiver,
} from '../support/harness';

let operator: JobdeckClient;

beforeAll(async () => {
  ({ client: operator } = await clientAs('operator'));
});

afterAll(async () => {
  await db.$disconnect();
});

describe('a job from enqueue to completed', () => {
  it('runs data.sync with progress visible while it runs, and writes every record once', async () => {
    const { id, created, state } = await operator.jobs.enqueue.mutate({
      type: 'data.sync',
      input: { source: 'it.progress', records: 120, batchSize: 10, throttleMs: 250 },
    });
    expect(created).toBe(true);
    expect(state).toBe('waiting');
    expect(id).toMatch(/^data\.sync-\d{8}-\d{6}-[0-9a-f]{6}$/);

    const midway = await eventually('progress between 0 and 100 %', async () => {
      const job = await operator.jobs.get.query({ id });
      return job.state === 'active' && job.progress && job.progress.percent > 0 && job.progress.percent < 100
        ? job
        : undefined;
    });
    expect(midway.progress!.stepsTotal).toBe(12);
    expect(midway.progress!.message).toMatch(/of 120 records/);
    expect(midway.pendingActivities[0]).toMatchObject({ activityType: 'syncRecords', state: 'STARTED', attempt: 1 });

    const done = await waitForState(operator, id, ['completed']);
    expect(done.progress!.percent).toBe(100);
    expect(done.attempts).toBe(1);
    expect(done.resultSummary).toBe('120 records in 12 batches');
    expect(done.temporal).toMatchObject({ status: 'COMPLETED', workflowType: 'dataSync' });
    expect(done.temporal!.describeCommand).toContain(`--workflow-id ${id}`);
    expect(done.logs.map((log) => log.message)).toEqual(expect.arrayContaining([expect.stringMatching(/^completed/)]));

    const output = (await readFile((done.result as { output: string }).output, 'utf8')).trim().split('\n');
    expect(output).toHaveLength(120);
    expect(new Set(output.map((line) => JSON.parse(line).index)).size).toBe(120);
  });

  it('is listed, counted and visible to the temporal CLI with its search attributes', async () => {
    const { id } = await operator.jobs.enqueue.mutate({
      type: 'report.generate',
      input: { title: 'Integration report' },
    });
    const job = await waitForState(operator, id, ['completed']);
    expect(job.resultSummary).toMatch(/rows, \d+ bytes/);
    const csv = await readFile((job.result as { path: string }).path, 'utf8');
    expect(csv.split('\n')[0]).toBe('group,total,completed,failed,cancelled,avg_duration_ms,p95_duration_ms');
    expect(csv).toContain('data.sync,');

    const listed = await eventually('the job in jobs.list', async () => {
      const page = await operator.jobs.list.query({ type: 'report.generate', state: 'completed' });
      return page.items.find((item) => item.id === id);
    });
    expect(listed).toMatchObject({
      type: 'report.generate',
      queue: 'reports',
      state: 'completed',
      requestedBy: expect.stringMatching(/^token:/),
    });

    const cli = await temporalCli([
      'workflow',
      'list',
      '--query',
      "JobType='report.generate' AND ExecutionStatus='Completed'",
      '--output',
      'json',
    ]);
    expect(cli).toContain(id);
    const described = JSON.parse(await temporalCli(['workflow', 'describe', '--workflow-id', id, '--output', 'json']));
    expect(JSON.stringify(described)).toContain('report.generate');

    const stats = await eventually('stats counting the job', async () => {
      const current = await operator.jobs.stats.query();
      const group = current.types.find((type) => type.name === 'report.generate');
      return group && group.buckets.completed >= 1 ? current : undefined;
    });
    const reportStats = stats.types.find((type) => type.name === 'report.generate')!;
    // Temporal counts runs; a job rerun from a step (guided-rerun.test.ts reruns reports) keeps its
    // earlier run, closed, beside the new one. The stats count jobs: each job's run its record follows.
    const runs: Array<{ id: string; runId: string }> = [];
    for await (const run of (await temporal()).workflow.list({
      query: "JobType='report.generate' AND ExecutionStatus='Completed'",
    }))
      runs.push({ id: run.workflowId, runId: run.runId });
    const followed = new Map(
      (
        await db.job.findMany({ where: { id: { in: runs.map((run) => run.id) } }, select: { id: true, runId: true } })
      ).map((record) => [record.id, record.runId]),
    );
    const completedJobs = runs.filter((run) => (followed.get(run.id) ?? run.runId) === run.runId).length;
    expect(reportStats.counts.completed).toBe(completedJobs);
    expect(reportStats.successRate).toBeGreaterThan(0);
    // Throughput comes from the rollup the record's end incremented, not from listing closed jobs.
    expect(reportStats.perMinute).toBeGreaterThan(0);
    expect(stats.queues.find((queue) => queue.name === 'reports')!.perMinute).toBeGreaterThan(0);
    expect(stats.queues.map((queue) => queue.name)).toEqual(
      expect.arrayContaining(['reports', 'sync', 'webhooks', 'maintenance']),
    );
  });

  it('runs maintenance.cleanup (an admin job type) as a dry run without deleting anything', async () => {
    const before = await db.job.count();
    const { client: admin } = await clientAs('admin');
    const { id } = await admin.jobs.enqueue.mutate({
      type: 'maintenance.cleanup',
      input: { olderThanDays: 1, dryRun: true },
    });
    const job = await waitForState(admin, id, ['completed']);
    expect(job.resultSummary).toMatch(/^would delete \d+ jobs/);
    expect(await db.job.count()).toBeGreaterThanOrEqual(before);
  });
});

describe('retries and failures', () => {
  it('retries a webhook that fails twice, then completes with 3 attempts, signed every time', async () => {
    const receiver = await webhookReceiver((attempt) => (attempt <= 2 ? 503 : 200));
    try {
      const { id } = await operator.jobs.enqueue.mutate({
        type: 'webhook.deliver',
        input: { url: receiver.url, payload: { event: 'order.paid', orderId: 'ord_1' } },
      });
      const seen = new Set<string>();
      const job = await eventually(
        'the webhook job to complete',
        async () => {
          const current = await operator.jobs.get.query({ id });
          seen.add(current.state);
          return current.state === 'completed' ? current : undefined;
        },
        60_000,
        100,
      );
      expect(job.attempts).toBe(3);
      expect(seen.has('retrying')).toBe(true);
      expect(receiver.requests).toHaveLength(3);
      const warnings = job.logs.filter(
        (log) => log.level === 'warn' && /attempt [12] of 5 failed, will retry/.test(log.message),
      );
      expect(warnings).toHaveLength(2);
      for (const request of receiver.requests) {
        // v2 binds the delivery id and the receiver's own URL, so the receiver recomputes it with both.
        const timestamp = request.headers['x-jobdeck-timestamp'];
        const expected = createHmac('sha256', 'test-webhook-secret')
          .update(`${timestamp}.${id}.${receiver.url}.${request.body}`)
          .digest('hex');
        expect(request.headers['x-jobdeck-signature']).toBe(`t=${timestamp},v2=${expected}`);
        expect(request.headers['x-jobdeck-delivery']).toBe(id);
      }
      expect(receiver.requests[1]!.at - receiver.requests[0]!.at).toBeGreaterThanOrEqual(900);
    } finally {
      await receiver.close();
    }
  });

  it('fails a webhook answered 4xx at once, without retrying', async () => {
    const receiver = await webhookReceiver(() => 422);
    try {
      const { id } = await operator.jobs.enqueue.mutate({
        type: 'webhook.deliver',
        input: { url: receiver.url, payload: { event: 'x' } },
      });
      const job = await waitForState(operator, id, ['failed']);
      expect(job.attempts).toBe(1);
      expect(receiver.requests).toHaveLength(1);
      expect(job.error).toMatch(/answered 422/);
      expect(job.errorStack).toBeTruthy();
      // Its page says why there was no second attempt, on the line of the attempt that ended it.
      const end = (await eventually('the end line', async () =>
        (await operator.jobs.get.query({ id })).logs.find((log) => log.message.startsWith('failed')),
      ))!;
      expect(end).toMatchObject({
        attempt: 1,
        message: expect.stringMatching(/^failed \(not retried: \S+ is not retryable\): .*answered 422/),
      });
      expect(job.temporal?.status).toBe('FAILED');
    } finally {
      await receiver.close();
    }
  });

  it('ends a job that runs past its timeout as timed out, with the reason', async () => {
    const { id } = await operator.jobs.enqueue.mutate({
      type: 'data.sync',
      input: { source: 'it.timeout', records: 1000, batchSize: 10, throttleMs: 500 },
      options: { timeoutMs: 3_000 },
    });
    const job = await waitForState(operator, id, ['timed_out'], 30_000);
    expect(job.temporal?.status).toBe('TIMED_OUT');
    expect(job.error).toMatch(/timed out after 3000 ms/);
    // No workflow can record its own timeout: the reconciler does (every minute; here, at once).
    const record = await reconciled(id, 'timed_out');
    expect(record.error).toBe('timed out after 3000 ms');
  });
});

describe('enqueue options', () => {
  it('gives the same job for the same idempotency key, even under concurrent requests', async () => {
    const key = `order-${Date.now()}`;
    const request = {
      type: 'data.sync' as const,
      input: { source: 'it.idem', records: 5 },
      options: { idempotencyKey: key },
    };
    const results = await Promise.all([
      operator.jobs.enqueue.mutate(request),
      operator.jobs.enqueue.mutate(request),
      operator.jobs.enqueue.mutate(request),
    ]);
    expect(new Set(results.map((result) => result.id)).size).toBe(1);
    expect(results.filter((result) => result.created)).toHaveLength(1);
    await waitForState(operator, results[0]!.id, ['completed']);
    const again = await operator.jobs.enqueue.mutate(request);
    expect(again).toMatchObject({ id: results[0]!.id, created: false, state: 'completed' });
    expect(await db.job.count({ where: { idempotencyKey: key } })).toBe(1);
    const count = await (await temporal()).workflow.count(`WorkflowId='${results[0]!.id}'`);
    expect(count.count).toBe(1);
    await expect(
      operator.jobs.enqueue.mutate({ type: 'report.generate', input: {}, options: { idempotencyKey: key } }),
    ).rejects.toThrow(/already used by job/);
  });

  it('holds a delayed job as delayed until its time, then runs it', async () => {
    const { id, state } = await operator.jobs.enqueue.mutate({
      type: 'data.sync',
      input: { source: 'it.delay', records: 5 },
      options: { delayMs: 4_000 },
    });
    expect(state).toBe('delayed');
    expect((await operator.jobs.get.query({ id })).state).toBe('delayed');
    const listed = await eventually(
      'the delayed job in the delayed list',
      async () => {
        const page = await operator.jobs.list.query({ state: 'delayed' });
        return page.items.find((item) => item.id === id);
      },
      3_000,
    );
    expect(listed.state).toBe('delayed');
    const done = await waitForState(operator, id, ['completed'], 30_000);
    expect(new Date(done.startedAt!).getTime() - new Date(done.createdAt!).getTime()).toBeGreaterThanOrEqual(3_500);
  });
});
