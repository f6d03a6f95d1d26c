// prepareChildJob, the bookkeeping activity behind every child job: checks as jobs.enqueue does, refuses
// with the non-retryable InvalidChildJob naming the node, and builds the start with buildJobStart.
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { findJobType } from '../../src/catalog';
import { prepareChildJobActivity, type ChildJobRequest } from '../../src/flows/prepare-child';
import type { ActivityDeps } from '../../src/runtime/activity-deps';

const announced: string[] = [];
const deps = {
  catalog: { find: findJobType },
  records: { attemptStarted: async (jobId: string) => void announced.push(`record ${jobId}`) },
  temporal: {
    workflow: { getHandle: (id: string) => ({ signal: async () => void announced.push(`signal ${id}`) }) },
  },
} as unknown as ActivityDeps;
const prepare = prepareChildJobActivity(deps);

const FLOW = 'flow.run-20261130-031500-a1b2c3';
const request = (overrides: Partial<ChildJobRequest> = {}): ChildJobRequest => ({
  parent: { jobId: FLOW, queue: 'flows', requestedBy: 'op@example.com', requestedByRole: 'operator', priority: 'high' },
  name: 'node "sync"',
  id: `${FLOW}.sync`,
  type: 'data.sync',
  input: { source: 'crm', records: 5 },
  flowNode: 'sync',
  ...overrides,
});

async function refusal(given: ChildJobRequest): Promise<ApplicationFailure> {
  const error = await prepare(given).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  expect((error as ApplicationFailure).type).toBe('InvalidChildJob');
  expect((error as ApplicationFailure).nonRetryable).toBe(true);
  return error as ApplicationFailure;
}

describe('prepareChildJob', () => {
  it('builds the child start: parentId, flowNode, retryOf in its envelope, the parent priority by default', async () => {
    const start = await prepare(request({ retryOf: `${FLOW}.sync`, id: `${FLOW}.sync.r2` }));
    expect(start).toMatchObject({
      workflowType: 'dataSync',
      workflowId: `${FLOW}.sync.r2`,
      taskQueue: 'sync',
      priority: { priorityKey: 2 },
      memo: { retryOf: `${FLOW}.sync` },
    });
    expect(start.args[0]).toMatchObject({
      jobId: `${FLOW}.sync.r2`,
      type: 'data.sync',
      input: { source: 'crm', records: 5, batchSize: 100, throttleMs: 0 },
      parentId: FLOW,
      flowNode: 'sync',
      retryOf: `${FLOW}.sync`,
      requestedBy: 'op@example.com',
      requestedByRole: 'operator',
      priority: 'high',
    });
    const options = await prepare(request({ options: { priority: 'low', maxAttempts: 2, queue: 'sync-b' } }));
    expect(options).toMatchObject({ taskQueue: 'sync-b', priority: { priorityKey: 4 } });
    expect(options.args[0].retry.maxAttempts).toBe(2);
    expect(announced).toEqual([]);
  });

  it('says the parent is active when asked (its first child)', async () => {
    await prepare(request({ announceParent: true }));
    expect(announced).toEqual([`record ${FLOW}`, `signal ${FLOW}`]);
  });

  it('refuses an unknown type, a role too low, a bad input or options, naming the node', async () => {
    expect((await refusal(request({ type: 'no.such' }))).message).toBe('node "sync": unknown job type "no.such"');
    expect((await refusal(request({ type: 'maintenance.cleanup', input: { olderThanDays: 30 } }))).message).toBe(
      'node "sync": starting maintenance.cleanup jobs requires the admin role; you are operator',
    );
    expect((await refusal(request({ input: { source: 'crm', records: -1 } }))).message).toMatch(
      /^node "sync": input\.records: /,
    );
    expect((await refusal(request({ options: { delayMs: 5 } }))).message).toMatch(/^node "sync": options: /);
    expect((await refusal(request({ id: 'bad id' }))).message).toMatch(/is not a valid job id/);
  });
});
