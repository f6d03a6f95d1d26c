// Child jobs from job code (runChildJob / startChildJob): a webhook.broadcast starts one webhook.deliver
// job per URL as Temporal child workflows; each is an ordinary job whose record names its parent, and
// Temporal knows them as its children. And the smallest flow, started as a job, resolving a reference.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobdeckClient } from '@jobdeck/api/client';
import { clientAs, db, eventually, temporal, waitForState, webhookReceiver } from '../support/harness';

let operator: JobdeckClient;

beforeAll(async () => {
  ({ client: operator } = await clientAs('operator'));
});

afterAll(async () => {
  await db.$disconnect();
});

describe('child jobs', () => {
  it('webhook.broadcast delivers to each URL through a child job that names its parent', async () => {
    const receivers = await Promise.all([0, 1, 2].map(() => webhookReceiver(() => 204)));
    try {
      const started = Date.now();
      const { id } = await operator.jobs.enqueue.mutate({
        type: 'webhook.broadcast',
        input: { urls: receivers.map((receiver) => receiver.url), payload: { event: 'broadcast.test' } },
      } as never);
      const job = await waitForState(operator, id, ['completed', 'failed'], 60_000);
      const tookMs = Date.now() - started;
      expect(job.state).toBe('completed');
      const jobIds = [0, 1, 2].map((index) => `${id}.deliver-${index}`);
      expect(job.result).toEqual({ delivered: 3, failed: 0, jobIds });
      for (const receiver of receivers) {
        expect(receiver.requests).toHaveLength(1);
        expect(JSON.parse(receiver.requests[0]!.body)).toMatchObject({ event: 'broadcast.test' });
      }

      // Postgres: three ordinary webhook.deliver records, each naming the broadcast as its parent.
      const children = await eventually('the children records', async () => {
        const rows = await db.job.findMany({ where: { parentId: id }, orderBy: { id: 'asc' } });
        return rows.length === 3 && rows.every((row) => row.state === 'completed') ? rows : undefined;
      });
      expect(children.map((row) => [row.id, row.type, row.flowNode])).toEqual(
        jobIds.map((childId) => [childId, 'webhook.deliver', null]),
      );
      // The parent was active while it waited (its first child said so), and ended completed.
      const parent = await db.job.findUniqueOrThrow({ where: { id } });
      expect(parent.startedAt).not.toBeNull();
      expect(parent.state).toBe('completed');
      expect(parent.resultSummary).toBe('3 of 3 delivered');

      // Temporal: the same three as children of the broadcast's workflow.
      const client = await temporal();
      for (const childId of jobIds) {
        const description = await client.workflow.getHandle(childId).describe();
        expect(description.parentExecution?.workflowId).toBe(id);
      }
      const listed = await eventually('ParentWorkflowId in visibility', async () => {
        const ids: string[] = [];
        for await (const execution of client.workflow.list({ query: `ParentWorkflowId = '${id}'` }))
          ids.push(execution.workflowId);
        return ids.length === 3 ? ids.sort() : undefined;
      });
      expect(listed).toEqual(jobIds);
      console.log(`webhook.broadcast to 3 receivers: completed in ${tookMs} ms`);
    } finally {
      await Promise.all(receivers.map((receiver) => receiver.close()));
    }
  }, 90_000);

  it('a flow started as a job runs its nodes in order, each a child job, and passes a result on', async () => {
    const started = Date.now();
    const { id } = await operator.jobs.enqueue.mutate({
      type: 'flow.run',
      input: {
        name: 'child-jobs smoke',
        nodes: [
          { key: 'sync', type: 'data.sync', input: { source: 'flow.smoke', records: 3 } },
          { key: 'report', type: 'report.generate', input: { title: 'after {{ sync.id }}', periodHours: 1 } },
        ],
        edges: [{ from: 'sync', to: 'report' }],
      },
    } as never);
    const job = await waitForState(operator, id, ['completed', 'failed'], 60_000);
    expect(job.error ?? null).toBeNull();
    expect(job.state).toBe('completed');
    expect(job.result).toEqual({
      nodes: {
        sync: { state: 'completed', jobIds: [`${id}.sync`] },
        report: { state: 'completed', jobIds: [`${id}.report`] },
      },
    });
    const flow = await db.job.findUniqueOrThrow({ where: { id } });
    expect(flow.resultSummary).toBe('2 nodes, 2 jobs');
    const report = await db.job.findUniqueOrThrow({ where: { id: `${id}.report` } });
    expect(report).toMatchObject({ parentId: id, flowNode: 'report', type: 'report.generate' });
    expect((report.input as { title: string }).title).toBe(`after ${id}.sync`);
    const sync = await db.job.findUniqueOrThrow({ where: { id: `${id}.sync` } });
    expect(sync.finishedAt!.getTime()).toBeLessThanOrEqual(report.startedAt!.getTime());
    const snapshot = await (await temporal()).workflow.getHandle(id).query<{ status: string }>('jobdeck.flow');
    expect(snapshot.status).toBe('completed');
    console.log(`flow of 2 nodes: completed in ${Date.now() - started} ms`);
  }, 90_000);

  it('at its largest: a broadcast to 100 URLs, and a flow fanning out over 100 items', async () => {
    const target = await webhookReceiver(() => 204);
    try {
      const urls = Array.from({ length: 100 }, (_, index) => `${target.url}?n=${index}`);
      let started = Date.now();
      const broadcast = await operator.jobs.enqueue.mutate({
        type: 'webhook.broadcast',
        input: { urls, payload: { event: 'broadcast.large' } },
      } as never);
      const done = await waitForState(operator, broadcast.id, ['completed', 'failed'], 90_000);
      const broadcastMs = Date.now() - started;
      expect(done.result).toMatchObject({ delivered: 100, failed: 0 });

      started = Date.now();
      const flow = await operator.jobs.enqueue.mutate({
        type: 'flow.run',
        input: {
          name: 'child-jobs: fan-out of 100',
          nodes: [
            {
              key: 'deliver',
              type: 'webhook.deliver',
              fanOut: urls,
              input: { url: '{{ item }}', payload: { event: 'flow.large' } },
            },
          ],
        },
      } as never);
      const ended = await waitForState(operator, flow.id, ['completed', 'failed'], 90_000);
      const flowMs = Date.now() - started;
      expect(ended.state).toBe('completed');
      expect(target.requests).toHaveLength(200);
      const history = await (await temporal()).workflow.getHandle(flow.id).fetchHistory();
      // Where the time goes: first and last child record written, first attempt begun, end (ms after the parent's start).
      const spread = async (parentId: string) => {
        const parent = await db.job.findUniqueOrThrow({ where: { id: parentId } });
        const rows = await db.job.findMany({ where: { parentId } });
        const from = parent.createdAt.getTime();
        const range = (times: Array<Date | null>) => {
          const ms = times.flatMap((time) => (time ? [time.getTime() - from] : []));
          return `${Math.min(...ms)}–${Math.max(...ms)}`;
        };
        return `created ${range(rows.map((row) => row.createdAt))}, started ${range(rows.map((row) => row.startedAt))}, finished ${range(rows.map((row) => row.finishedAt))}`;
      };
      console.log(`broadcast children: ${await spread(broadcast.id)}; flow children: ${await spread(flow.id)}`);
      console.log(
        `webhook.broadcast to 100 URLs: ${broadcastMs} ms; flow fanning out 100 webhook.deliver jobs: ${flowMs} ms, ` +
          `${history.events?.length} history events`,
      );
    } finally {
      await target.close();
    }
  }, 200_000);
});
