// Runs inside Temporal's deterministic workflow sandbox (the flow.run workflow): plain functions over a
// flow's run, no imports but types and the graph. Every scheduling decision of the engine is here (which
// nodes may start, which are blocked, what the flow's status is); sandbox/flow/engine.ts only wires them
// to Temporal (children, timers, the query and the update), so these are unit-tested without a server.
import type { FlowJobState, FlowNodeState, FlowResult, FlowSnapshot, FlowStatus } from '../../flows/snapshot';
import { parentsOf, type FlowEdge } from './graph';

/** The most jobs one flow starts, fan-out items and retries included (flows/definition.ts says the same; a unit test holds them equal). */
export const MAX_FLOW_JOBS = 1_000;

/** What the engine needs of a node's definition (flows/definition.ts: FlowNodeDefinition). */
export interface PlanNode {
  key: string;
  type: string;
  input: unknown;
  options?: Record<string, unknown>;
  fanOut?: unknown[] | string;
  continueOnFailure: boolean;
}

export interface PlanDefinition {
  nodes: PlanNode[];
  edges: FlowEdge[];
  onFailure: 'stop' | 'continue';
  retryWindowMs: number;
}

/** One job a node started (or is starting). */
export interface JobRun {
  id: string;
  /** The fan-out item (absent for a node without fanOut). */
  item?: number;
  state: FlowJobState;
  error?: string;
  /** What it returned, once completed: what references read. */
  result?: unknown;
}

export type NodePhase = 'idle' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface NodeRun {
  definition: PlanNode;
  parents: string[];
  /** 0 before it starts; 1 for its first run; n for its (n-1)th retry. */
  attempt: number;
  phase: NodePhase;
  error?: string;
  /** A fan-out's items, once known (a reference's are read when the node starts). */
  items?: unknown[];
  /** Every job it started, oldest first. */
  jobs: JobRun[];
}

export interface FlowRun {
  flowId: string;
  onFailure: 'stop' | 'continue';
  /** The nodes in definition order (the order decisions and messages follow). */
  nodes: Map<string, NodeRun>;
  /** Set once the flow has ended: its never-started nodes are then skipped. */
  ended?: 'completed' | 'failed' | 'cancelled';
}

export function createFlowRun(flowId: string, definition: PlanDefinition): FlowRun {
  const keys = definition.nodes.map((node) => node.key);
  const parents = parentsOf(keys, definition.edges);
  return {
    flowId,
    onFailure: definition.onFailure,
    nodes: new Map(
      definition.nodes.map((node) => [
        node.key,
        { definition: node, parents: parents.get(node.key) ?? [], attempt: 0, phase: 'idle', jobs: [] },
      ]),
    ),
  };
}

function node(run: FlowRun, key: string): NodeRun {
  const found = run.nodes.get(key);
  if (!found) throw new Error(`the flow has no node "${key}"`);
  return found;
}

/** A failure that holds back what depends on it (a continueOnFailure node's does not). */
function isStoppingFailure(candidate: NodeRun): boolean {
  return candidate.phase === 'failed' && !candidate.definition.continueOnFailure;
}

/** The nodes after this one may start: it completed, or failed and continues on failure. */
function letsChildrenRun(parent: NodeRun): boolean {
  return parent.phase === 'completed' || (parent.phase === 'failed' && parent.definition.continueOnFailure);
}

/** Not started, and an upstream node failed (not continueOnFailure): it waits for a retry of that node. */
export function isBlocked(run: FlowRun, key: string, seen = new Set<string>()): boolean {
  if (seen.has(key)) return false;
  seen.add(key);
  return node(run, key).parents.some((parentKey) => {
    const parent = node(run, parentKey);
    return isStoppingFailure(parent) || (parent.phase === 'idle' && isBlocked(run, parentKey, seen));
  });
}

/** Whether some node failed in a way that stops the flow (policy `stop`) or waits for a retry. */
export function hasStoppingFailure(run: FlowRun): boolean {
  return [...run.nodes.values()].some(isStoppingFailure);
}

/**
 * The nodes to start now, in definition order: not started, every parent done (completed, or failed
 * with continueOnFailure); under policy `stop`, none once a node has failed.
 */
export function runnableNodes(run: FlowRun): string[] {
  if (run.ended) return [];
  if (run.onFailure === 'stop' && hasStoppingFailure(run)) return [];
  return [...run.nodes.entries()]
    .filter(([, candidate]) => candidate.phase === 'idle')
    .filter(([, candidate]) => candidate.parents.every((parent) => letsChildrenRun(node(run, parent))))
    .map(([key]) => key);
}

/**
 * What the flow is doing: `running` while a node runs or may start; `completed` when every node
 * completed (or failed and continues on failure); `waiting_for_retry` when nothing more can run and a
 * node failed. The engine ends the flow on `completed`, and on `waiting_for_retry` once the window passes.
 */
export function flowStatus(run: FlowRun): FlowStatus {
  if (run.ended) return run.ended;
  const nodes = [...run.nodes.values()];
  if (nodes.some((candidate) => candidate.phase === 'running') || runnableNodes(run).length) return 'running';
  if (nodes.every(letsChildrenRun)) return 'completed';
  return 'waiting_for_retry';
}

/** A node's state as the snapshot tells it. */
export function nodeState(run: FlowRun, key: string): FlowNodeState {
  const found = node(run, key);
  if (found.phase !== 'idle') return found.phase;
  if (run.ended) return 'skipped';
  return isBlocked(run, key) ? 'blocked' : 'pending';
}

/** The node's jobs that count: the latest one of each item (of the one job without fanOut), in item order. */
export function currentJobs(found: NodeRun): JobRun[] {
  const latest = new Map<number, JobRun>();
  for (const job of found.jobs) latest.set(job.item ?? 0, job);
  return [...latest.entries()].sort(([a], [b]) => a - b).map(([, job]) => job);
}

/** How many jobs the flow has started, retries included. */
export function jobsStarted(run: FlowRun): number {
  let count = 0;
  for (const candidate of run.nodes.values()) count += candidate.jobs.length;
  return count;
}

/**
 * Records a job's end and settles its node when none of its jobs runs any more: completed when every
 * current job completed, else failed with the first failure (`item 3: …` for a fan-out). A job cancelled
 * while the flow runs (someone cancelled that one job) fails its node: a retry runs it again.
 */
export function finishJob(
  run: FlowRun,
  key: string,
  jobId: string,
  end: { state: Exclude<FlowJobState, 'running'>; result?: unknown; error?: string },
): void {
  const found = node(run, key);
  const job = found.jobs.find((candidate) => candidate.id === jobId);
  if (!job) throw new Error(`node "${key}" has no job ${jobId}`);
  job.state = end.state;
  if (end.state === 'completed') job.result = end.result;
  else job.error = end.error ?? (end.state === 'cancelled' ? `job ${jobId} was cancelled` : `job ${jobId} failed`);
  settleNode(run, key);
}

/** Sets a running node's phase from its current jobs, once none runs. */
export function settleNode(run: FlowRun, key: string): void {
  const found = node(run, key);
  if (found.phase !== 'running') return;
  // Only an item's latest job can be running: a plain scan says it without sorting (a 1000-item fan-out settles often).
  if (found.jobs.some((job) => job.state === 'running')) return;
  const jobs = currentJobs(found);
  const bad = jobs.find((job) => job.state !== 'completed');
  if (!bad) {
    found.phase = 'completed';
    found.error = undefined;
  } else if (run.ended === 'cancelled' && jobs.some((job) => job.state === 'cancelled')) {
    found.phase = 'cancelled';
  } else {
    found.phase = 'failed';
    found.error = bad.item === undefined ? bad.error : `item ${bad.item}: ${bad.error}`;
  }
}

/** Why a retry of this node is refused now (the update's validator), or null. */
export function retryProblem(run: FlowRun, key: string): string | null {
  const found = run.nodes.get(key);
  if (!found) return `the flow has no node "${key}"`;
  if (run.ended) return `the flow has ended (${run.ended}); only a running flow's node can be retried`;
  if (found.phase !== 'failed') return `node "${key}" is ${nodeState(run, key)}; only a failed node can be retried`;
  const again = found.items ? currentJobs(found).filter((job) => job.state !== 'completed').length : 1;
  const total = jobsStarted(run) + again;
  if (total > MAX_FLOW_JOBS)
    return `retrying node "${key}" would bring the flow to ${total} jobs; a flow starts at most ${MAX_FLOW_JOBS}`;
  return null;
}

/** The first node that failed and holds the flow (definition order): what a failed flow's error names. */
export function firstStoppingFailure(run: FlowRun): { key: string; error: string } | null {
  for (const [key, candidate] of run.nodes)
    if (isStoppingFailure(candidate)) return { key, error: candidate.error ?? 'failed' };
  return null;
}

/** Ends the flow: its never-started nodes are skipped from now on. */
export function endFlow(run: FlowRun, how: NonNullable<FlowRun['ended']>): void {
  run.ended ??= how;
}

export function flowSnapshot(run: FlowRun, retryDeadline?: string): FlowSnapshot {
  const status = flowStatus(run);
  const nodes: FlowSnapshot['nodes'] = {};
  for (const [key, found] of run.nodes)
    nodes[key] = {
      state: nodeState(run, key),
      attempt: found.attempt,
      ...(found.error !== undefined && found.phase === 'failed' ? { error: found.error } : {}),
      jobs: found.jobs.map((job) => ({
        id: job.id,
        ...(job.item !== undefined ? { item: job.item } : {}),
        state: job.state,
        ...(job.error !== undefined ? { error: job.error } : {}),
      })),
    };
  return {
    status,
    ...(status === 'waiting_for_retry' && retryDeadline ? { retryDeadline } : {}),
    nodes,
  };
}

/** A completed flow's result: each node's state and the jobs that make its result (the latest per item). */
export function flowResult(run: FlowRun): FlowResult {
  const nodes: FlowResult['nodes'] = {};
  for (const [key, found] of run.nodes)
    nodes[key] = { state: nodeState(run, key), jobIds: currentJobs(found).map((job) => job.id) };
  return { nodes };
}

/** The flow record's summary line: `5 nodes, 12 jobs`. */
export function flowSummary(run: FlowRun): string {
  const jobs = jobsStarted(run);
  return `${run.nodes.size} node${run.nodes.size === 1 ? '' : 's'}, ${jobs} job${jobs === 1 ? '' : 's'}`;
}
