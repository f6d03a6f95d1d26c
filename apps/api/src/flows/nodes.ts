// A flow's nodes as flows.get shows them: the definition's nodes, each with its state and its jobs.
// Pure: the engine's snapshot (when the flow runs and answered) and the children's records in, views
// out; unit-tested in apps/api/test/unit/flow-nodes.test.ts.
import { redactSecrets, type JobState } from '@jobdeck/workflows';
import {
  ancestorsOf,
  flowJobAttempt,
  parentsOf,
  parseFlowNode,
  type FlowDefinition,
  type FlowNodeState,
  type FlowSnapshot,
} from '@jobdeck/workflows/flows';
import { latestPerItem, neverStartedState, nodeStateFromJobs, type ChildRecord } from './records';

export interface FlowNodeJobView {
  id: string;
  item: number | null;
  state: JobState;
  progressPercent: number;
  progressStep: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

export interface FlowNodeView {
  key: string;
  type: string;
  fanOut: boolean;
  continueOnFailure: boolean;
  state: FlowNodeState;
  attempt: number;
  error: string | null;
  /** As defined, secrets redacted (references to upstream nodes stay as written). */
  input: unknown;
  /** Every job the node started, retries included, oldest first. */
  jobs: FlowNodeJobView[];
}

/** A snapshot's job state as a job state: a job the engine sees running but whose record is not yet written. */
const SNAPSHOT_JOB_STATE: Record<string, JobState> = {
  running: 'active',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};

function jobView(record: ChildRecord): FlowNodeJobView {
  return {
    id: record.id,
    item: record.flowNode ? parseFlowNode(record.flowNode).item : null,
    state: record.state,
    progressPercent: record.progressPercent,
    progressStep: record.progressStep,
    startedAt: record.startedAt?.toISOString() ?? null,
    finishedAt: record.finishedAt?.toISOString() ?? null,
    error: record.error,
  };
}

export function flowNodeViews(
  flow: Pick<FlowDefinition, 'nodes' | 'edges'>,
  children: readonly ChildRecord[],
  snapshot: FlowSnapshot | null,
  flowClosed: boolean,
): FlowNodeView[] {
  const byNode = new Map<string, ChildRecord[]>();
  for (const child of children) {
    if (!child.flowNode) continue;
    const { key } = parseFlowNode(child.flowNode);
    byNode.set(key, [...(byNode.get(key) ?? []), child]);
  }
  // From the records first: the state of each node that has jobs…
  const recorded = new Map<string, FlowNodeState | null>(
    flow.nodes.map((node) => [
      node.key,
      nodeStateFromJobs(latestPerItem(byNode.get(node.key) ?? []).map((job) => job.state)),
    ]),
  );
  // …then those without: blocked when a node upstream failed and does not let its dependents go on.
  const parents = parentsOf(
    flow.nodes.map((node) => node.key),
    flow.edges,
  );
  const lenient = new Set(flow.nodes.filter((node) => node.continueOnFailure).map((node) => node.key));
  const derived = (key: string): FlowNodeState =>
    recorded.get(key) ??
    neverStartedState(
      flowClosed,
      [...ancestorsOf(key, parents)].some(
        (upstream) => !lenient.has(upstream) && ['failed', 'cancelled'].includes(recorded.get(upstream) ?? ''),
      ),
    );

  return flow.nodes.map((node) => {
    const records = byNode.get(node.key) ?? [];
    const live = snapshot?.nodes[node.key];
    const jobs = records.map(jobView);
    // A job the engine started whose record the worker has not written yet.
    for (const job of live?.jobs ?? [])
      if (!jobs.some((known) => known.id === job.id))
        jobs.push({
          id: job.id,
          item: job.item ?? null,
          state: SNAPSHOT_JOB_STATE[job.state] ?? 'active',
          progressPercent: 0,
          progressStep: null,
          startedAt: null,
          finishedAt: null,
          error: job.error ?? null,
        });
    const lastFailed = latestPerItem(records).find((job) => job.error && job.state !== 'completed');
    return {
      key: node.key,
      type: node.type,
      fanOut: node.fanOut !== undefined,
      continueOnFailure: node.continueOnFailure,
      state: live?.state ?? derived(node.key),
      attempt: live?.attempt ?? Math.max(0, ...jobs.map((job) => flowJobAttempt(job.id))),
      error: live?.error ?? lastFailed?.error ?? null,
      input: redactSecrets(node.input),
      jobs,
    };
  });
}
