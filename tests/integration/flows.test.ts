// Flows on the real stack: a flow.run job whose nodes are ordinary jobs (child workflows). Side
// effects are counted where they land: loopback webhook receivers (a 4xx answer fails a delivery at
// once, with no retry) and the children's Postgres records (start and end times, how many jobs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobdeckClient } from '@jobdeck/api/client';
import { children, deliver, flowWhen as flowWhenAs, nodeState, type FlowDetail } from '../support/flows';
import { receiverPool, type LoopbackReceiver } from '../support/loopback-receiver';
import { clientAs, db, eventually, temporal, temporalCli, waitForState } from '../support/harness';

let operator: JobdeckClient;
let viewer: JobdeckClient;
const receivers = receiverPool();

beforeAll(async () => {
  ({ client: operator } = await clientAs('operator'));
  ({ client: viewer } = await clientAs('viewer'));
});

afterAll(async () => {
  await receivers.closeAll();
  await db.$disconnect();
});

/** A receiver answering 200, or `status()` when given (a 4xx fails the delivery at once). */
const receiver = (status: () => number = () => 200) => receivers.start('127.0.0.1', () => ({ status: status() }));

/** The flow's page, as a viewer reads it, once `check` accepts it. */
const flowWhen = (id: string, what: string, check: (flow: FlowDetail) => boolean, timeoutMs?: number) =>
  flowWhenAs(viewer, id, what, check, timeoutMs);

describe('flows: a flow with fan-out', () => {
  it('completes three levels in dependency order, each node an ordinary child job', async () => {
    const fanned = await receiver();
    const last = await receiver();
    const started = await operator.flows.start.mutate({
      name: 'it: sync, fan out, report',
      nodes: [
        { key: 'sync', type: 'data.sync', input: { source: 'it.flow', records: 20, batchSize: 10 } },
        {
          key: 'deliver',
          type: 'webhook.deliver',
          fanOut: [{ n: 1 }, { n: 2 }, { n: 3 }],
          input: { url: fanned.url, payload: { n: '{{ item.n }}', synced: '{{ sync.result.records }}' } },
        },
        deliver('report', last, { deliveries: '{{ deliver.id }}' }),
      ],
      edges: [
        { from: 'sync', to: 'deliver' },
        { from: 'deliver', to: 'report' },
      ],
    });
    expect(started).toMatchObject({ created: true, nodes: 3, jobs: 5 });
    expect(started.id).toMatch(/^flow\.run-\d{8}-\d{6}-[0-9a-f]{6}$/);

    const done = await waitForState(operator, started.id, ['completed', 'failed'], 60_000);
    expect(done.state).toBe('completed');
    const flow = await viewer.flows.get.query({ id: started.id });
    expect(flow).toMatchObject({ status: 'completed', name: 'it: sync, fan out, report', error: null });
    expect(flow.nodes.map((node) => [node.key, node.state, node.jobs.length])).toEqual([
      ['sync', 'completed', 1],
      ['deliver', 'completed', 3],
      ['report', 'completed', 1],
    ]);
    expect(flow.temporal.listCommand).toBe(`temporal workflow list --query "ParentWorkflowId='${started.id}'"`);

    // Dependency order, from the records: each level started after the one before it ended.
    const jobs = await children(started.id);
    const byNode = (node: string) => jobs.filter((job) => job.flowNode?.replace(/\[\d+\]$/, '') === node);
    const [sync] = byNode('sync');
    const items = byNode('deliver');
    const [report] = byNode('report');
    expect(jobs.map((job) => job.id).sort()).toEqual(
      [
        `${started.id}.sync`,
        `${started.id}.deliver.0`,
        `${started.id}.deliver.1`,
        `${started.id}.deliver.2`,
        `${started.id}.report`,
      ].sort(),
    );
    expect(items.map((job) => job.flowNode).sort()).toEqual(['deliver[0]', 'deliver[1]', 'deliver[2]']);
    for (const item of items) expect(item.startedAt!.getTime()).toBeGreaterThanOrEqual(sync!.finishedAt!.getTime());
    const lastItemEnd = Math.max(...items.map((job) => job.finishedAt!.getTime()));
    expect(report!.startedAt!.getTime()).toBeGreaterThanOrEqual(lastItemEnd);

    // References resolved: each item got its item and the sync's result; the report got the items' ids.
    expect(fanned.requests.map((request) => JSON.parse(request.body).n).sort()).toEqual([1, 2, 3]);
    expect(fanned.requests.every((request) => JSON.parse(request.body).synced === 20)).toBe(true);
    expect(last.requests).toHaveLength(1);
    expect(JSON.parse(last.requests[0]!.body).deliveries).toEqual(items.map((job) => job.id).sort());

    // Each node's job is an ordinary job: jobs.get links it both ways.
    const child = await viewer.jobs.get.query({ id: `${started.id}.deliver.1` });
    expect(child).toMatchObject({
      type: 'webhook.deliver',
      state: 'completed',
      parentId: started.id,
      parentType: 'flow.run',
      flowNode: 'deliver[1]',
    });
    const parent = await viewer.jobs.get.query({ id: started.id });
    expect(parent.childCount).toBe(5);
    expect(parent.children.map((item) => item.id).sort()).toEqual(jobs.map((job) => job.id).sort());

    // The temporal CLI lists the children of the flow's workflow.
    const listed = await eventually('the children in temporal workflow list', async () => {
      const out = await temporalCli(['workflow', 'list', '--query', `ParentWorkflowId='${started.id}'`]);
      return jobs.every((job) => out.includes(job.id)) ? out : undefined;
    });
    expect(listed).toContain(`${started.id}.report`);

    // flows.list: counts by state from the children's records.
    const summary = (await viewer.flows.list.query({ limit: 20 })).items.find((item) => item.id === started.id);
    expect(summary).toMatchObject({ status: 'completed', nodes: 3, failedNodes: [] });
    expect(summary!.jobs.completed).toBe(5);
  });
});

describe('flows: a failed node', () => {
  // fail → after; slow → indep: `indep` starts only once `fail` has failed, so the policy decides it.
  const graph = (failing: LoopbackReceiver, after: LoopbackReceiver, indep: LoopbackReceiver) => ({
    nodes: [
      deliver('fail', failing),
      deliver('after', after),
      { key: 'slow', type: 'data.sync', input: { source: 'it.flow.slow', records: 6, batchSize: 1, throttleMs: 400 } },
      deliver('indep', indep),
    ],
    edges: [
      { from: 'fail', to: 'after' },
      { from: 'slow', to: 'indep' },
    ],
    retryWindowMs: 120_000,
  });

  it("stops its dependents only under 'continue', everything new under 'stop'; a retry completes the flow once", async () => {
    let failing = true;
    const continued = {
      fail: await receiver(() => (failing ? 400 : 200)),
      after: await receiver(),
      indep: await receiver(),
    };
    const stopped = { fail: await receiver(() => 400), after: await receiver(), indep: await receiver() };
    const [goOn, stop] = await Promise.all([
      operator.flows.start.mutate({
        name: 'it: continue',
        onFailure: 'continue',
        ...graph(continued.fail, continued.after, continued.indep),
      }),
      operator.flows.start.mutate({
        name: 'it: stop',
        onFailure: 'stop',
        ...graph(stopped.fail, stopped.after, stopped.indep),
      }),
    ]);

    const waitingOn = await flowWhen(goOn.id, 'waiting for a retry', (flow) => flow.status === 'waiting_for_retry');
    expect(nodeState(waitingOn, 'fail')).toBe('failed');
    expect(nodeState(waitingOn, 'slow')).toBe('completed');
    expect(nodeState(waitingOn, 'indep')).toBe('completed');
    expect(nodeState(waitingOn, 'after')).toBe('blocked');
    expect(waitingOn.retryDeadline).not.toBeNull();
    expect(continued.indep.requests).toHaveLength(1);
    expect(continued.after.requests).toHaveLength(0);

    const waitingStop = await flowWhen(stop.id, 'waiting for a retry', (flow) => flow.status === 'waiting_for_retry');
    // `slow` was running when `fail` failed: it finishes; nothing new starts.
    expect(nodeState(waitingStop, 'slow')).toBe('completed');
    expect(['pending', 'blocked']).toContain(nodeState(waitingStop, 'indep'));
    expect(stopped.indep.requests).toHaveLength(0);
    expect((await children(stop.id)).map((job) => job.flowNode).sort()).toEqual(['fail', 'slow']);

    // flows.list says which node failed.
    const listed = (await viewer.flows.list.query({ limit: 20 })).items.find((item) => item.id === goOn.id);
    expect(listed).toMatchObject({ status: 'waiting_for_retry', failedNodes: ['fail'] });

    // jobs.retry on the failed node would start a job outside the flow: refused, pointing to flows.retryNode.
    await expect(operator.jobs.retry.mutate({ id: `${goOn.id}.fail` })).rejects.toMatchObject({
      data: { code: 'PRECONDITION_FAILED' },
      message: expect.stringContaining('flows.retryNode'),
    });
    // Only a failed node can be retried: the flow's own words, as a 412.
    await expect(operator.flows.retryNode.mutate({ id: goOn.id, node: 'indep' })).rejects.toMatchObject({
      data: { code: 'PRECONDITION_FAILED' },
      message: expect.stringContaining('only a failed node can be retried'),
    });
    await expect(operator.flows.retryNode.mutate({ id: goOn.id, node: 'nosuch' })).rejects.toMatchObject({
      data: { code: 'NOT_FOUND' },
    });

    // The receiver is fixed; the failed node is retried and the flow completes.
    failing = false;
    const retried = await operator.flows.retryNode.mutate({ id: goOn.id, node: 'fail', reason: 'receiver fixed' });
    expect(retried).toEqual({ id: goOn.id, node: 'fail', jobIds: [`${goOn.id}.fail.r2`] });
    const done = await waitForState(operator, goOn.id, ['completed', 'failed'], 45_000);
    expect(done.state).toBe('completed');
    expect(done.logs.map((log) => log.message)).toEqual(
      expect.arrayContaining([expect.stringContaining('node "fail" retried by')]),
    );
    // Completed nodes ran once: one request each; the failed one twice (its failure, its retry).
    expect(continued.indep.requests).toHaveLength(1);
    expect(continued.after.requests).toHaveLength(1);
    expect(continued.fail.requests).toHaveLength(2);
    const jobs = await children(goOn.id);
    expect(jobs.filter((job) => job.flowNode === 'slow')).toHaveLength(1);
    expect(jobs.find((job) => job.id === `${goOn.id}.fail.r2`)).toMatchObject({
      retryOfId: `${goOn.id}.fail`,
      state: 'completed',
    });
    // The audit trail has each call, the refused ones too.
    const audit = await db.auditLog.findMany({
      where: { action: 'flows.retryNode', target: goOn.id },
      orderBy: { id: 'asc' },
    });
    expect(audit.map((row) => [(row.params as { node?: string }).node, row.outcome])).toEqual([
      ['indep', 'PRECONDITION_FAILED'],
      ['nosuch', 'NOT_FOUND'],
      ['fail', 'ok'],
    ]);

    // Pages by state go on with their cursor, newest first, without repeating a flow (this one and the fan-out's).
    const first = await viewer.flows.list.query({ state: 'completed', limit: 1 });
    const second = await viewer.flows.list.query({ state: 'completed', limit: 1, cursor: first.nextCursor });
    expect(first.items[0]!.createdAt >= second.items[0]!.createdAt && first.items[0]!.id !== second.items[0]!.id).toBe(
      true,
    );

    // The stopped flow is still waiting: cancelled, it ends without starting anything more.
    await operator.flows.cancel.mutate({ id: stop.id, reason: 'test over' });
    const cancelled = await waitForState(operator, stop.id, ['cancelled'], 30_000);
    expect(cancelled.state).toBe('cancelled');
    expect(stopped.indep.requests).toHaveLength(0);
    expect(stopped.after.requests).toHaveLength(0);
    // A closed flow's never-started nodes are skipped; retrying it is a new flow's job.
    const closed = await viewer.flows.get.query({ id: stop.id });
    expect(nodeState(closed, 'after')).toBe('skipped');
    await expect(operator.flows.retryNode.mutate({ id: stop.id, node: 'fail' })).rejects.toMatchObject({
      data: { code: 'PRECONDITION_FAILED' },
      message: expect.stringMatching(/ended.*retry it as a new flow/),
    });
  });

  it('fails the flow at once with retryWindowMs 0, naming the node', async () => {
    const failing = await receiver(() => 422);
    const { id } = await operator.flows.start.mutate({
      name: 'it: no retry window',
      nodes: [deliver('notify', failing)],
      retryWindowMs: 0,
    });
    const handle = (await temporal()).workflow.getHandle(id);
    const error = await handle.result().then(
      () => null,
      (failure: Error & { cause?: Error & { type?: string } }) => failure,
    );
    expect(error?.cause?.message).toMatch(/^node "notify" failed/);
    expect(error?.cause?.type).toBe('FlowNodeFailed');
    expect((await handle.describe()).status.name).toBe('FAILED');
    const flow = await flowWhen(
      id,
      'failed, with its error',
      (detail) => detail.status === 'failed' && !!detail.error,
      20_000,
    );
    expect(nodeState(flow, 'notify')).toBe('failed');
    expect(flow.error).toMatch(/node "notify" failed/);
  });
});

describe('flows: cancelling a flow', () => {
  it('cancels its running node; the pending ones never start', async () => {
    const next = await receiver();
    const { id } = await operator.flows.start.mutate({
      name: 'it: cancel',
      nodes: [
        {
          key: 'long',
          type: 'data.sync',
          input: { source: 'it.flow.long', records: 200, batchSize: 1, throttleMs: 200 },
        },
        deliver('next', next),
      ],
      edges: [{ from: 'long', to: 'next' }],
    });
    await flowWhen(id, 'its first node running', (flow) => nodeState(flow, 'long') === 'running', 20_000);
    // flows.get of a running flow asks the engine itself (source temporal), within its 2 s limit.
    const timings = [];
    for (let call = 0; call < 5; call++) {
      const began = performance.now();
      expect((await viewer.flows.get.query({ id })).source).toBe('temporal');
      timings.push(performance.now() - began);
    }
    console.info(`flows.get of a running flow: ${timings.map((ms) => ms.toFixed(0)).join(', ')} ms`);
    await waitForState(operator, `${id}.long`, ['active'], 20_000);
    const answer = await operator.flows.cancel.mutate({ id, reason: 'integration test' });
    expect(answer).toMatchObject({ id, state: 'cancelling' });

    await waitForState(operator, id, ['cancelled'], 30_000);
    await waitForState(operator, `${id}.long`, ['cancelled'], 30_000);
    const flow = await viewer.flows.get.query({ id });
    expect(flow.status).toBe('cancelled');
    expect(nodeState(flow, 'next')).toBe('skipped');
    expect((await children(id)).map((job) => job.flowNode)).toEqual(['long']);
    expect(next.requests).toHaveLength(0);
  });
});
