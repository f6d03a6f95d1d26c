import { describe, expect, it } from 'vitest';
import { EXAMPLE_FLOW, problemsByNode } from '../../src/components/flows/flow-example';
import { layoutFlow, NODE_HEIGHT } from '../../src/components/flows/flow-layout';
import {
  fanOutCount,
  nodeProgress,
  nodeTone,
  statusAddsToState,
  statusLabel,
} from '../../src/components/flows/flow-states';
import { startLikeChanges } from '../../src/components/job-actions/start-like-changes';

// Issue 13: the dashboard's flow pages and "Start like this".

describe('flow problems by node', () => {
  it('groups the API issues under the key of the node they are about, the flow’s own first', () => {
    const issues = [
      { path: ['nodes', '1', 'input', 'url'], message: 'url must be an http or https URL' },
      { path: ['edges', '0', 'to'], message: 'edge sync → nope: there is no node "nope"' },
      { path: ['nodes', '1', 'type'], message: 'unknown job type' },
      { path: ['nodes', '3'], message: 'node "report": the flow has a cycle' },
    ];
    expect(problemsByNode(EXAMPLE_FLOW, issues)).toEqual([
      { node: null, messages: ['edges.0.to: edge sync → nope: there is no node "nope"'] },
      { node: 'notify_billing', messages: ['input.url: url must be an http or https URL', 'type: unknown job type'] },
      { node: 'report', messages: ['node "report": the flow has a cycle'] },
    ]);
  });

  it('names a node by its index when the definition sent has no key there', () => {
    expect(problemsByNode({ nodes: [{}] }, [{ path: ['nodes', '0', 'key'], message: 'Required' }])).toEqual([
      { node: 'nodes[0]', messages: ['key: Required'] },
    ]);
  });
});

describe('flow layout', () => {
  it('puts parents above their children and siblings side by side', () => {
    const keys = EXAMPLE_FLOW.nodes.map((node) => node.key);
    const { positions, height } = layoutFlow(keys, EXAMPLE_FLOW.edges);
    expect(positions.sync!.y).toBeLessThan(positions.notify_billing!.y);
    expect(positions.notify_billing!.y).toBe(positions.notify_crm!.y);
    expect(positions.notify_billing!.x).not.toBe(positions.notify_crm!.x);
    expect(positions.notify_crm!.y).toBeLessThan(positions.report!.y);
    expect(height).toBeGreaterThanOrEqual(3 * NODE_HEIGHT);
  });

  it('ignores an edge to a node that is not there', () => {
    const { positions } = layoutFlow(['a'], [{ from: 'a', to: 'gone' }]);
    expect(Object.keys(positions)).toEqual(['a']);
  });
});

describe('flow states', () => {
  it('colours nodes like job states and words statuses', () => {
    expect(nodeTone('completed')).toBe('completed');
    expect(nodeTone('running')).toBe('active');
    expect(nodeTone('pending')).toBe('waiting');
    expect(nodeTone('blocked')).toBe('delayed');
    expect(nodeTone('skipped')).toBe('cancelled');
    expect(statusLabel('waiting_for_retry')).toBe('waiting for retry');
    expect(statusAddsToState('waiting_for_retry', 'active')).toBe(true);
    expect(statusAddsToState('running', 'active')).toBe(false);
    expect(statusAddsToState('running', 'retrying')).toBe(true);
    expect(statusAddsToState('completed', 'completed')).toBe(false);
  });

  it('counts a fan-out’s completed items and averages a node’s progress', () => {
    const jobs = [
      { state: 'completed', progressPercent: 40 },
      { state: 'running', progressPercent: 50 },
      { state: 'failed', progressPercent: 0 },
    ];
    expect(fanOutCount(jobs, true)).toBe('1/3');
    expect(fanOutCount(jobs, false)).toBeNull();
    expect(nodeProgress(jobs)).toBe(50);
    expect(nodeProgress([])).toBe(0);
  });
});

describe('start like this: the edits to a redacted input', () => {
  const prefilled = {
    url: 'https://example.com/hook',
    headers: { authorization: '[redacted]', 'x-team': 'ops' },
    payload: { event: 'order.paid', items: [1, 2] },
  };

  it('sends only what was edited, so unchanged redacted secrets stay the original’s', () => {
    const edited = {
      url: 'https://example.com/hook2',
      headers: { authorization: '[redacted]', 'x-team': 'ops' },
      payload: { event: 'order.paid', items: [1, 2, 3] },
    };
    expect(startLikeChanges(prefilled, edited)).toEqual({
      changes: { url: 'https://example.com/hook2', payload: { items: [1, 2, 3] } },
      removed: [],
      redactedEdits: [],
    });
  });

  it('reports deleted fields (a merge keeps them) and edits that still hold the redaction mark', () => {
    const edited = { url: prefilled.url, headers: { authorization: 'Bearer [redacted] x' } };
    const result = startLikeChanges(prefilled, edited);
    expect(result.removed).toEqual(['payload', 'headers.x-team']);
    expect(result.redactedEdits).toEqual(['headers.authorization']);
  });

  it('sends nothing when nothing was edited', () => {
    expect(startLikeChanges(prefilled, structuredClone(prefilled)).changes).toEqual({});
  });
});
