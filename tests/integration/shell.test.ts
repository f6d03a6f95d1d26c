// The workflow shell every job runs in: what it costs in Temporal (history events, billed actions),
// that users still see each state, and that histories written by every shell version replay on
// today's workflow code, so that a change that would break running jobs fails here.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { temporal as proto } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobdeckClient } from '@jobdeck/api/client';
import { jobdeckDataConverter, FAILURE_CONVERTER_PATH } from '@jobdeck/workflows/codec';
import { writeWorkflowsEntry } from '@jobdeck/workflows/bundle';
import { findJobType, jobTypes } from '@jobdeck/workflows';
import { buildJobStart, keyedJobId } from '@jobdeck/workflows/control';
import { randomUUID } from 'node:crypto';
import { clientAs, db, env, eventually, temporal, waitForState, webhookReceiver } from '../support/harness';

type History = proto.api.history.v1.IHistory;

let operator: JobdeckClient;
const recorded: Array<{ workflowId: string; history: History }> = [];

beforeAll(async () => {
  ({ client: operator } = await clientAs('operator'));
});

afterAll(async () => {
  await db.$disconnect();
});

const EVENT = (name: string) => `EVENT_TYPE_${name}`;
function kinds(history: History): string[] {
  // fetchHistory answers with numeric event types; a JSON fixture spells them out.
  return (history.events ?? []).map((event) => {
    const type = event.eventType as unknown;
    return typeof type === 'string' ? type : String(proto.api.enums.v1.EventType[type as number]);
  });
}
/** Actions Temporal Cloud bills beyond the job's own start and activities: signals, upserts, markers, timers. */
function shellActions(types: string[]): number {
  const billed = [
    'WORKFLOW_EXECUTION_SIGNALED',
    'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES',
    'MARKER_RECORDED',
    'TIMER_STARTED',
  ].map(EVENT);
  return types.filter((type) => billed.includes(type)).length;
}

async function finishedHistory(id: string): Promise<History> {
  const client = await temporal();
  const history = await client.workflow.getHandle(id).fetchHistory();
  recorded.push({ workflowId: id, history });
  return history;
}

describe('the lean shell', () => {
  it('adds nothing to the history of a short one-activity job: 11 events, as a bare workflow', async () => {
    const { id } = await operator.jobs.enqueue.mutate({
      type: 'data.sync',
      input: { source: 'shell.short', records: 1 },
    });
    await waitForState(operator, id, ['completed']);
    const types = kinds(await finishedHistory(id));
    expect(types).toEqual(
      [
        'WORKFLOW_EXECUTION_STARTED',
        'WORKFLOW_TASK_SCHEDULED',
        'WORKFLOW_TASK_STARTED',
        'WORKFLOW_TASK_COMPLETED',
        'ACTIVITY_TASK_SCHEDULED',
        'ACTIVITY_TASK_STARTED',
        'ACTIVITY_TASK_COMPLETED',
        'WORKFLOW_TASK_SCHEDULED',
        'WORKFLOW_TASK_STARTED',
        'WORKFLOW_TASK_COMPLETED',
        'WORKFLOW_EXECUTION_COMPLETED',
      ].map(EVENT),
    );
    expect(shellActions(types)).toBe(0);

    // The record is complete without anyone having read the job.
    const description = await (await temporal()).workflow.getHandle(id).describe();
    const record = await eventually(
      'the record of the end',
      async () => {
        const row = await db.job.findUnique({ where: { id } });
        return row?.state === 'completed' ? row : undefined;
      },
      10_000,
    );
    expect(record).toMatchObject({ attempts: 1, resultSummary: '1 records in 1 batches', progressPercent: 100 });
    expect(record.startedAt).not.toBeNull();
    expect(Math.abs(record.finishedAt!.getTime() - description.closeTime!.getTime())).toBeLessThan(1_000);
  });

  it('shows a longer job as active in Temporal visibility while it runs, for one signal and one upsert', async () => {
    const { id } = await operator.jobs.enqueue.mutate({
      type: 'data.sync',
      input: { source: 'shell.long', records: 8, batchSize: 1, throttleMs: 400 },
    });
    const client = await temporal();
    await eventually(
      'JobState=active in visibility',
      async () => {
        const { count } = await client.workflow.count(
          `WorkflowId='${id}' AND ExecutionStatus='Running' AND JobState='active'`,
        );
        return count === 1;
      },
      20_000,
    );
    await waitForState(operator, id, ['completed']);
    const types = kinds(await finishedHistory(id));
    expect(types.filter((type) => type === EVENT('WORKFLOW_EXECUTION_SIGNALED'))).toHaveLength(1);
    expect(types.filter((type) => type === EVENT('UPSERT_WORKFLOW_SEARCH_ATTRIBUTES'))).toHaveLength(1);
    expect(types).toHaveLength(16);
    expect(shellActions(types)).toBeLessThanOrEqual(3);
  });

  it('keeps a retried attempt visible as retrying, and records every attempt', async () => {
    // A webhook to a closed port fails its first attempts; the record counts them as Temporal does.
    const { id } = await operator.jobs.enqueue.mutate({
      type: 'webhook.deliver',
      input: { url: 'http://127.0.0.1:9/unreachable', payload: { event: 'shell.retry' } },
      options: { maxAttempts: 2 },
    });
    // While it waits out the backoff, its page counts the attempts made, as the list does: 1, not the one to come.
    const retrying = await eventually(
      'the job retrying',
      async () => {
        const job = await operator.jobs.get.query({ id });
        return job.state === 'retrying' && job.pendingActivities.length ? job : undefined;
      },
      30_000,
      50,
    );
    expect(retrying.attempts).toBe(1);
    const failed = await waitForState(operator, id, ['failed'], 60_000);
    expect(failed.attempts).toBe(2);
    const types = kinds(await finishedHistory(id));
    expect(types.filter((type) => type === EVENT('WORKFLOW_EXECUTION_SIGNALED'))).toHaveLength(1);
    const record = await db.job.findUnique({ where: { id } });
    expect(record).toMatchObject({ state: 'failed', attempts: 2 });
    const logs = await db.jobLog.findMany({ where: { jobId: id }, orderBy: { id: 'asc' } });
    expect(logs.map((log) => log.message).join('\n')).toMatch(
      /attempt 1 of 2 failed, will retry[\s\S]*attempt 2 of 2 failed/,
    );
    // The end's line belongs to the last attempt, and says why it was the last.
    expect(logs.find((log) => log.message.startsWith('failed'))).toMatchObject({
      attempt: 2,
      message: expect.stringMatching(/^failed \(every attempt failed\): /),
    });
  });
});

describe('a job started with an envelope of the first shell', () => {
  it('runs on the lean shell behind a patch marker, once (a Schedule created before the lean shell)', async () => {
    const jobType = findJobType('data.sync')!;
    const id = `data.sync-first-shell-envelope-${Date.now()}`;
    const { workflowOptions, envelope } = buildJobStart({
      jobType,
      id,
      input: { source: 'shell.patch', records: 1, batchSize: 1, throttleMs: 0 },
      options: { priority: 'normal' },
      requestedBy: { name: 'shell-test', role: 'operator' },
      now: new Date(),
    });
    const { shell: _shell, ...firstShellEnvelope } = envelope;
    const handle = await (
      await temporal()
    ).workflow.start(jobType.workflowType, { ...workflowOptions, args: [firstShellEnvelope], workflowId: id });
    await handle.result();
    const types = kinds(await finishedHistory(id));
    expect(types.filter((type) => type === EVENT('MARKER_RECORDED'))).toHaveLength(1);
    expect(types.filter((type) => type === EVENT('ACTIVITY_TASK_SCHEDULED'))).toHaveLength(1);
    await eventually(
      'its record',
      async () => (await db.job.findUnique({ where: { id } }))?.state === 'completed',
      10_000,
    );
  });
});

/** Today's workflow code, as the test run built it (or bundled here), for replaying recorded histories. */
function replayOptions() {
  const workflowBundle = process.env.JOBDECK_WORKFLOW_BUNDLE
    ? { codePath: process.env.JOBDECK_WORKFLOW_BUNDLE }
    : undefined;
  return {
    workflowBundle,
    workflowsPath: workflowBundle ? undefined : writeWorkflowsEntry(),
    failureConverterPath: FAILURE_CONVERTER_PATH,
  };
}

describe('replay', () => {
  it("replays histories of the first shell and of the lean one on today's workflow code", async () => {
    // The History message as scripts/record-legacy-history.ts wrote it (protobuf's object form, as JSON).
    const legacy = proto.api.history.v1.History.fromObject(
      JSON.parse(
        await readFile(join(import.meta.dirname, '../fixtures/histories/legacy-shell-data-sync.json'), 'utf8'),
      ),
    );
    expect(kinds(legacy)).toHaveLength(29);
    const options = replayOptions();

    // The fixture was recorded without the payload codec (it must hold no key); the suite's jobs with it.
    const plain = await Worker.runReplayHistory(options, legacy, 'data.sync-legacy-shell-fixture').then(
      () => null,
      (error: Error) => error.message,
    );
    expect(plain).toBeNull();
    expect(recorded.length).toBeGreaterThanOrEqual(4);
    const results: Array<string | null> = [];
    for await (const result of Worker.runReplayHistories(
      { ...options, dataConverter: jobdeckDataConverter(env.encryptionKeys) },
      recorded,
    )) {
      results.push(result.error ? `${result.workflowId}: ${result.error.message}` : null);
    }
    expect(results.filter(Boolean)).toEqual([]);
  });

  it('replays a finished run of every registered job type on its own workflow code', async () => {
    // One harmless run per type, all traffic on loopback. A new job type fails here until it has a line:
    // that is the point, since its workflow must replay before running jobs of it meet a new release.
    const receiver = await webhookReceiver(() => 204);
    const harmless: Record<string, unknown> = {
      'data.sync': { source: 'replay.each', records: 1 },
      'report.generate': { title: 'replay', periodHours: 1, groupBy: 'type' },
      'webhook.deliver': { url: receiver.url, payload: { event: 'replay' } },
      'maintenance.cleanup': { olderThanDays: 3650, dryRun: true },
      'maintenance.reconcile': { lookbackMinutes: 1 },
      'maintenance.stuck-check': { thresholdMinutes: 600 },
      'bulk.action': { action: 'cancel', filter: { queue: `replay-nothing-${process.pid}`, state: 'waiting' } },
      'jobs.export': { exportId: randomUUID(), downloadHours: 1 },
      // No rule: an evaluation of nothing (every rule would be the other tests' to judge).
      'alerts.evaluate': { ruleIds: [] },
      // A notification that does not exist: the job completes, skipping it (nothing is sent).
      'alerts.notify': { notificationId: randomUUID() },
      // A flow of one node, and a broadcast to the loopback receiver: their children are replayed with them.
      'flow.run': {
        name: 'replay',
        nodes: [{ key: 'one', type: 'data.sync', input: { source: 'replay.flow', records: 1 } }],
      },
      'webhook.broadcast': { urls: [receiver.url], payload: { event: 'replay' } },
    };
    // An export job runs only the export bound to it (as exports.create binds one): an empty one here.
    const exportId = (harmless['jobs.export'] as { exportId: string }).exportId;
    await db.jobExport.create({
      data: {
        id: exportId,
        requestedBy: 'replay test',
        format: 'csv',
        search: { types: [`replay.nothing-${process.pid}`] },
        fields: ['id'],
        jobId: keyedJobId('jobs.export', exportId),
      },
    });
    try {
      expect(jobTypes.map((jobType) => jobType.type).filter((type) => !(type in harmless))).toEqual([]);
      const { client: admin } = await clientAs('admin');
      const runs = await Promise.all(
        jobTypes.map(async (jobType) => {
          const { id } = await admin.jobs.enqueue.mutate({
            type: jobType.type,
            input: harmless[jobType.type],
            // The export job's id is its export's (keyedJobId), as exports.create starts it.
            ...(jobType.type === 'jobs.export' ? { options: { idempotencyKey: exportId } } : {}),
          } as never);
          await waitForState(admin, id, ['completed'], 60_000);
          return { workflowId: id, history: await (await temporal()).workflow.getHandle(id).fetchHistory() };
        }),
      );
      const options = { ...replayOptions(), dataConverter: jobdeckDataConverter(env.encryptionKeys) };
      const failures: string[] = [];
      for await (const result of Worker.runReplayHistories(options, runs)) {
        if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
      }
      expect(failures).toEqual([]);
    } finally {
      await receiver.close();
    }
  }, 120_000);
});
