// The flow engine's decisions as plain functions (sandbox/flow/plan.ts, start-node.ts): which nodes
// start, which are blocked, what a retry reruns, what the flow's status is; no Temporal server needed.
import { describe, expect, it } from 'vitest';
import { MAX_FLOW_JOBS as DEFINITION_MAX_FLOW_JOBS } from '../../src/flows/definition';
import {
  createFlowRun,
  endFlow,
  finishJob,
  firstStoppingFailure,
  flowResult,
  flowSnapshot,
  flowStatus,
  flowSummary,
  MAX_FLOW_JOBS,
  nodeState,
  retryProblem,
  runnableNodes,
  type FlowRun,
  type PlanDefinition,
  type PlanNode,
} from '../../src/sandbox/flow/plan';
import { flowJobId, startNode } from '../../src/sandbox/flow/start-node';

const FLOW = 'flow.run-20261130-031500-a1b2c3';

function flow(
  nodes: Array<Partial<PlanNode> & { key: string }>,
  edges: Array<[string, string]>,
  onFailure: 'stop' | 'continue' = 'stop',
) {
  const definition: PlanDefinition = {
    nodes: nodes.map((node) => ({ type: 'data.sync', input: {}, continueOnFailure: false, ...node })),
    edges: edges.map(([from, to]) => ({ from, to })),
    onFailure,
    retryWindowMs: 60_000,
  };
  return createFlowRun(FLOW, definition);
}

/** Starts every runnable node as the engine does, one at a time; answers the ids of the jobs started. */
function startRunnable(run: FlowRun): string[] {
  const ids: string[] = [];
  for (let key = runnableNodes(run)[0]; key !== undefined; key = runnableNodes(run)[0])
    ids.push(...startNode(run, key).map((job) => job.id));
  return ids;
}

const states = (run: FlowRun) => Object.fromEntries([...run.nodes.keys()].map((key) => [key, nodeState(run, key)]));

describe('flow planning', () => {
  it("keeps the engine's job limit equal to the definition's", () => {
    expect(MAX_FLOW_JOBS).toBe(DEFINITION_MAX_FLOW_JOBS);
  });

  it('names jobs by the contract: node, fan-out item, retry', () => {
    expect(flowJobId(FLOW, 'report', 1)).toBe(`${FLOW}.report`);
    expect(flowJobId(FLOW, 'report', 2)).toBe(`${FLOW}.report.r2`);
    expect(flowJobId(FLOW, 'deliver', 1, 3)).toBe(`${FLOW}.deliver.3`);
    expect(flowJobId(FLOW, 'deliver', 2, 3)).toBe(`${FLOW}.deliver.3.r2`);
  });

  it('starts nodes when all their parents completed, in dependency order', () => {
    const run = flow(
      [{ key: 'a' }, { key: 'b' }, { key: 'c' }, { key: 'd' }],
      [
        ['a', 'c'],
        ['b', 'c'],
        ['c', 'd'],
      ],
    );
    expect(startRunnable(run)).toEqual([`${FLOW}.a`, `${FLOW}.b`]);
    expect(states(run)).toEqual({ a: 'running', b: 'running', c: 'pending', d: 'pending' });
    finishJob(run, 'a', `${FLOW}.a`, { state: 'completed', result: 1 });
    expect(startRunnable(run)).toEqual([]);
    finishJob(run, 'b', `${FLOW}.b`, { state: 'completed', result: 2 });
    expect(startRunnable(run)).toEqual([`${FLOW}.c`]);
    finishJob(run, 'c', `${FLOW}.c`, { state: 'completed' });
    expect(startRunnable(run)).toEqual([`${FLOW}.d`]);
    expect(flowStatus(run)).toBe('running');
    finishJob(run, 'd', `${FLOW}.d`, { state: 'completed' });
    expect(flowStatus(run)).toBe('completed');
    expect(flowResult(run).nodes.c).toEqual({ state: 'completed', jobIds: [`${FLOW}.c`] });
    expect(flowSummary(run)).toBe('4 nodes, 4 jobs');
  });

  it("resolves references to parents' results and ids, and a fan-out's item", () => {
    const run = flow(
      [
        { key: 'sync', input: {} },
        { key: 'deliver', fanOut: '{{ sync.result.urls }}', input: { url: '{{ item.url }}', from: '{{ sync.id }}' } },
        {
          key: 'report',
          input: { ids: '{{ deliver.id }}', codes: '{{ deliver.result }}', text: 'n={{ sync.result.n }}' },
        },
      ],
      [
        ['sync', 'deliver'],
        ['deliver', 'report'],
      ],
    );
    startRunnable(run);
    finishJob(run, 'sync', `${FLOW}.sync`, {
      state: 'completed',
      result: { n: 2, urls: [{ url: 'u0' }, { url: 'u1' }] },
    });
    const deliver = startNode(run, 'deliver');
    expect(deliver).toEqual([
      {
        id: `${FLOW}.deliver.0`,
        flowNode: 'deliver[0]',
        item: 0,
        type: 'data.sync',
        input: { url: 'u0', from: `${FLOW}.sync` },
      },
      {
        id: `${FLOW}.deliver.1`,
        flowNode: 'deliver[1]',
        item: 1,
        type: 'data.sync',
        input: { url: 'u1', from: `${FLOW}.sync` },
      },
    ]);
    finishJob(run, 'deliver', `${FLOW}.deliver.1`, { state: 'completed', result: 201 });
    expect(nodeState(run, 'deliver')).toBe('running');
    finishJob(run, 'deliver', `${FLOW}.deliver.0`, { state: 'completed', result: 200 });
    const [report] = startNode(run, 'report');
    expect(report!.input).toEqual({ ids: [`${FLOW}.deliver.0`, `${FLOW}.deliver.1`], codes: [200, 201], text: 'n=2' });
  });

  it('fails a node whose reference has no value, starting no job, and names the reference', () => {
    const run = flow(
      [{ key: 'sync' }, { key: 'report', input: { rows: '{{ sync.result.rows }}' } }],
      [['sync', 'report']],
    );
    startRunnable(run);
    finishJob(run, 'sync', `${FLOW}.sync`, { state: 'completed', result: { count: 1 } });
    expect(startRunnable(run)).toEqual([]);
    expect(states(run)).toEqual({ sync: 'completed', report: 'failed' });
    expect(run.nodes.get('report')!.error).toBe('{{ sync.result.rows }} has no value');
    expect(flowStatus(run)).toBe('waiting_for_retry');
    expect(firstStoppingFailure(run)).toEqual({ key: 'report', error: '{{ sync.result.rows }} has no value' });
  });

  it('fails a node reading a continueOnFailure parent that failed; a sibling not reading it runs', () => {
    const run = flow(
      [{ key: 'a', continueOnFailure: true }, { key: 'reads', input: { x: '{{ a.result }}' } }, { key: 'plain' }],
      [
        ['a', 'reads'],
        ['a', 'plain'],
      ],
      'continue',
    );
    startRunnable(run);
    finishJob(run, 'a', `${FLOW}.a`, { state: 'failed', error: 'boom' });
    expect(startRunnable(run)).toEqual([`${FLOW}.plain`]);
    expect(run.nodes.get('reads')!.error).toBe('{{ a.result }}: node "a" failed (boom)');
    finishJob(run, 'plain', `${FLOW}.plain`, { state: 'completed' });
    expect(flowStatus(run)).toBe('waiting_for_retry');
  });

  it('completes a flow whose only failure continues on failure', () => {
    const run = flow([{ key: 'a', continueOnFailure: true }, { key: 'b' }], [['a', 'b']]);
    startRunnable(run);
    finishJob(run, 'a', `${FLOW}.a`, { state: 'failed', error: 'boom' });
    startRunnable(run);
    finishJob(run, 'b', `${FLOW}.b`, { state: 'completed' });
    expect(flowStatus(run)).toBe('completed');
    expect(flowResult(run).nodes.a).toEqual({ state: 'failed', jobIds: [`${FLOW}.a`] });
  });

  it('policy stop starts nothing more after a failure; running nodes finish; then it waits for a retry', () => {
    const run = flow(
      [{ key: 'a' }, { key: 'b' }, { key: 'a2' }, { key: 'b2' }],
      [
        ['a', 'a2'],
        ['b', 'b2'],
      ],
    );
    startRunnable(run);
    finishJob(run, 'a', `${FLOW}.a`, { state: 'failed', error: 'boom' });
    expect(flowStatus(run)).toBe('running');
    finishJob(run, 'b', `${FLOW}.b`, { state: 'completed' });
    expect(startRunnable(run)).toEqual([]);
    expect(states(run)).toEqual({ a: 'failed', b: 'completed', a2: 'blocked', b2: 'pending' });
    expect(flowStatus(run)).toBe('waiting_for_retry');
    expect(flowSnapshot(run, '2026-12-03T03:15:00.000Z')).toMatchObject({
      status: 'waiting_for_retry',
      retryDeadline: '2026-12-03T03:15:00.000Z',
      nodes: {
        a: { state: 'failed', attempt: 1, error: 'boom', jobs: [{ id: `${FLOW}.a`, state: 'failed', error: 'boom' }] },
      },
    });
  });

  it('policy continue lets the independent branch run to its end', () => {
    const run = flow(
      [{ key: 'a' }, { key: 'b' }, { key: 'a2' }, { key: 'b2' }],
      [
        ['a', 'a2'],
        ['b', 'b2'],
      ],
      'continue',
    );
    startRunnable(run);
    finishJob(run, 'a', `${FLOW}.a`, { state: 'failed', error: 'boom' });
    finishJob(run, 'b', `${FLOW}.b`, { state: 'completed' });
    expect(startRunnable(run)).toEqual([`${FLOW}.b2`]);
    expect(nodeState(run, 'a2')).toBe('blocked');
    finishJob(run, 'b2', `${FLOW}.b2`, { state: 'completed' });
    expect(flowStatus(run)).toBe('waiting_for_retry');
  });

  it('retries a failed node under a new id, retryOf the failed job; the flow then continues', () => {
    const run = flow([{ key: 'a' }, { key: 'b' }], [['a', 'b']]);
    startRunnable(run);
    expect(retryProblem(run, 'a')).toBe('node "a" is running; only a failed node can be retried');
    expect(retryProblem(run, 'b')).toBe('node "b" is pending; only a failed node can be retried');
    expect(retryProblem(run, 'zz')).toBe('the flow has no node "zz"');
    finishJob(run, 'a', `${FLOW}.a`, { state: 'failed', error: 'boom' });
    expect(retryProblem(run, 'a')).toBeNull();
    expect(startNode(run, 'a')).toEqual([
      { id: `${FLOW}.a.r2`, flowNode: 'a', type: 'data.sync', input: {}, retryOf: `${FLOW}.a` },
    ]);
    expect(nodeState(run, 'b')).toBe('pending');
    finishJob(run, 'a', `${FLOW}.a.r2`, { state: 'completed', result: 'ok' });
    expect(startRunnable(run)).toEqual([`${FLOW}.b`]);
    finishJob(run, 'b', `${FLOW}.b`, { state: 'completed' });
    expect(flowStatus(run)).toBe('completed');
    expect(flowResult(run).nodes.a).toEqual({ state: 'completed', jobIds: [`${FLOW}.a.r2`] });
    expect(flowSnapshot(run).nodes.a!.jobs.map((job) => job.state)).toEqual(['failed', 'completed']);
    expect(flowSummary(run)).toBe('2 nodes, 3 jobs');
  });

  it('retries only the failed and cancelled items of a fan-out, keeping the completed ones', () => {
    const run = flow([{ key: 'fan', fanOut: [1, 2, 3], input: { n: '{{ item }}' } }], []);
    startRunnable(run);
    finishJob(run, 'fan', `${FLOW}.fan.0`, { state: 'completed', result: 'x' });
    finishJob(run, 'fan', `${FLOW}.fan.1`, { state: 'failed', error: 'no' });
    finishJob(run, 'fan', `${FLOW}.fan.2`, { state: 'cancelled' });
    expect(nodeState(run, 'fan')).toBe('failed');
    expect(run.nodes.get('fan')!.error).toBe('item 1: no');
    const again = startNode(run, 'fan');
    expect(again.map((job) => [job.id, job.retryOf, job.input])).toEqual([
      [`${FLOW}.fan.1.r2`, `${FLOW}.fan.1`, { n: 2 }],
      [`${FLOW}.fan.2.r2`, `${FLOW}.fan.2`, { n: 3 }],
    ]);
    finishJob(run, 'fan', `${FLOW}.fan.1.r2`, { state: 'completed', result: 'y' });
    finishJob(run, 'fan', `${FLOW}.fan.2.r2`, { state: 'completed', result: 'z' });
    expect(flowResult(run).nodes.fan!.jobIds).toEqual([`${FLOW}.fan.0`, `${FLOW}.fan.1.r2`, `${FLOW}.fan.2.r2`]);
    expect(flowStatus(run)).toBe('completed');
  });

  it('fails a fan-out whose reference is not a list, or too long for the flow', () => {
    const run = flow(
      [
        { key: 'src' },
        { key: 'notlist', fanOut: '{{ src.result.one }}' },
        { key: 'huge', fanOut: '{{ src.result.many }}' },
      ],
      [
        ['src', 'notlist'],
        ['src', 'huge'],
      ],
      'continue',
    );
    startRunnable(run);
    finishJob(run, 'src', `${FLOW}.src`, {
      state: 'completed',
      result: { one: 'x', many: Array.from({ length: MAX_FLOW_JOBS }, (_, index) => index) },
    });
    expect(startRunnable(run)).toEqual([]);
    expect(run.nodes.get('notlist')!.error).toBe('fanOut {{ src.result.one }} is string, not a list');
    expect(run.nodes.get('huge')!.error).toBe(
      'fanOut {{ src.result.many }} has 1000 items; the flow may start 999 more jobs (at most 1000 in all)',
    );
  });

  it('completes a fan-out over an empty list without a job', () => {
    const run = flow([{ key: 'src' }, { key: 'fan', fanOut: '{{ src.result }}' }], [['src', 'fan']]);
    startRunnable(run);
    finishJob(run, 'src', `${FLOW}.src`, { state: 'completed', result: [] });
    expect(startRunnable(run)).toEqual([]);
    expect(nodeState(run, 'fan')).toBe('completed');
    expect(flowStatus(run)).toBe('completed');
  });

  it('refuses a retry that would pass the job limit', () => {
    const run = flow([{ key: 'fan', fanOut: Array.from({ length: MAX_FLOW_JOBS }, (_, index) => index) }], []);
    startRunnable(run);
    finishJob(run, 'fan', `${FLOW}.fan.0`, { state: 'failed', error: 'no' });
    for (let item = 1; item < MAX_FLOW_JOBS; item += 1)
      finishJob(run, 'fan', `${FLOW}.fan.${item}`, { state: 'completed' });
    expect(retryProblem(run, 'fan')).toBe(
      'retrying node "fan" would bring the flow to 1001 jobs; a flow starts at most 1000',
    );
  });

  it('skips what never started once the flow ends, and cancels what was running when it is cancelled', () => {
    const run = flow([{ key: 'a' }, { key: 'b' }], [['a', 'b']]);
    startRunnable(run);
    endFlow(run, 'cancelled');
    finishJob(run, 'a', `${FLOW}.a`, { state: 'cancelled' });
    expect(states(run)).toEqual({ a: 'cancelled', b: 'skipped' });
    expect(flowStatus(run)).toBe('cancelled');
    expect(retryProblem(run, 'a')).toBe("the flow has ended (cancelled); only a running flow's node can be retried");
    expect(runnableNodes(run)).toEqual([]);
  });

  it('fails a node whose job was cancelled while the flow runs: a retry runs it again', () => {
    const run = flow([{ key: 'a' }], []);
    startRunnable(run);
    finishJob(run, 'a', `${FLOW}.a`, { state: 'cancelled' });
    expect(nodeState(run, 'a')).toBe('failed');
    expect(run.nodes.get('a')!.error).toBe(`job ${FLOW}.a was cancelled`);
    expect(retryProblem(run, 'a')).toBeNull();
  });
});
