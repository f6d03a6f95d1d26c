import { describe, expect, it } from 'vitest';
import type { JobState } from '@jobdeck/workflows';
import { flowNodeViews } from '../../src/flows/nodes';
import { flowJobAttempt, parseFlowNode } from '@jobdeck/workflows/flows';
import { flowStatusFromRecords, nodeStateFromJobs, type ChildRecord } from '../../src/flows/records';
import { plannedJobs } from '../../src/flows/start';

const flow = {
  nodes: [
    { key: 'sync', type: 'data.sync', input: {}, continueOnFailure: false },
    {
      key: 'send',
      type: 'webhook.deliver',
      input: { headers: { authorization: 'Bearer abc' } },
      fanOut: [1, 2],
      continueOnFailure: false,
    },
    { key: 'report', type: 'report.generate', input: {}, continueOnFailure: false },
    { key: 'other', type: 'report.generate', input: {}, continueOnFailure: false },
  ],
  edges: [
    { from: 'sync', to: 'send' },
    { from: 'send', to: 'report' },
  ],
};

let clock = Date.parse('2026-11-30T03:00:00Z');
function child(id: string, flowNode: string, state: JobState, error: string | null = null): ChildRecord {
  clock += 1_000;
  return {
    id,
    flowNode,
    state,
    progressPercent: state === 'completed' ? 100 : 10,
    progressStep: null,
    error,
    createdAt: new Date(clock),
    startedAt: new Date(clock),
    finishedAt: state === 'completed' || state === 'failed' ? new Date(clock + 500) : null,
  };
}

describe('a flow read from its records', () => {
  it('names nodes, items and attempts from the contract ids', () => {
    expect(parseFlowNode('send[12]')).toEqual({ key: 'send', item: 12 });
    expect(parseFlowNode('sync')).toEqual({ key: 'sync', item: null });
    expect(flowJobAttempt('flow.run-x.send.3.r2')).toBe(2);
    expect(flowJobAttempt('flow.run-x.sync')).toBe(1);
  });

  it('derives a node state from its items’ latest jobs', () => {
    expect(nodeStateFromJobs([])).toBeNull();
    expect(nodeStateFromJobs(['completed', 'active'])).toBe('running');
    expect(nodeStateFromJobs(['completed', 'timed_out'])).toBe('failed');
    expect(nodeStateFromJobs(['completed', 'cancelled'])).toBe('cancelled');
    expect(nodeStateFromJobs(['completed', 'completed'])).toBe('completed');
  });

  it('says waiting_for_retry only when a node failed and nothing runs', () => {
    expect(flowStatusFromRecords('active', ['completed', 'failed', 'blocked'])).toBe('waiting_for_retry');
    expect(flowStatusFromRecords('active', ['running', 'failed'])).toBe('running');
    expect(flowStatusFromRecords('active', ['completed', 'pending'])).toBe('running');
    expect(flowStatusFromRecords('terminated', ['running'])).toBe('failed');
    expect(flowStatusFromRecords('cancelled', ['cancelled'])).toBe('cancelled');
  });

  it('marks dependents of a failed node blocked, independent ones pending, and a retry replaces the failed item', () => {
    const records = [
      child('f.sync', 'sync', 'completed'),
      child('f.send.0', 'send[0]', 'completed'),
      child('f.send.1', 'send[1]', 'failed', 'answered 400'),
    ];
    const views = flowNodeViews(flow, records, null, false);
    expect(views.map((node) => [node.key, node.state, node.attempt])).toEqual([
      ['sync', 'completed', 1],
      ['send', 'failed', 1],
      ['report', 'blocked', 0],
      ['other', 'pending', 0],
    ]);
    expect(views[1]!.error).toBe('answered 400');
    expect(views[1]!.jobs.map((job) => job.item)).toEqual([0, 1]);
    expect(JSON.stringify(views[1]!.input)).not.toContain('abc');

    const retried = flowNodeViews(flow, [...records, child('f.send.1.r2', 'send[1]', 'completed')], null, false);
    expect(retried[1]).toMatchObject({ state: 'completed', attempt: 2, error: null });
    expect(retried[2]!.state).toBe('pending');
  });

  it('calls never-started nodes of a closed flow skipped, and prefers the engine’s snapshot', () => {
    const closed = flowNodeViews(flow, [child('g.sync', 'sync', 'cancelled')], null, true);
    expect(closed.map((node) => node.state)).toEqual(['cancelled', 'skipped', 'skipped', 'skipped']);

    const live = flowNodeViews(
      flow,
      [child('h.sync', 'sync', 'completed')],
      {
        status: 'running',
        nodes: {
          sync: { state: 'completed', attempt: 1, jobs: [{ id: 'h.sync', state: 'completed' }] },
          send: { state: 'running', attempt: 1, jobs: [{ id: 'h.send.0', item: 0, state: 'running' }] },
        },
      },
      false,
    );
    expect(live[1]).toMatchObject({ state: 'running', jobs: [{ id: 'h.send.0', item: 0, state: 'active' }] });
  });

  it('counts a fan-out over a list by its items, one over a result as one', () => {
    expect(
      plannedJobs({ nodes: [...flow.nodes, { ...flow.nodes[0]!, key: 'x', fanOut: '{{ sync.result.rows }}' }] }),
    ).toBe(6);
  });
});
