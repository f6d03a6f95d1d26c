// The snapshot reader shared by flows.list and flows.get: what the Postgres records say of a flow's
// nodes. The engine's own word (the `jobdeck.flow` query) is better while the flow runs; this is
// what answers once it has closed, or when Temporal does not answer in time. What the records
// cannot know is derived, and said so where it is.
import type { Sql } from '@jobdeck/db';
import { LIVE_STATES, type JobState } from '@jobdeck/workflows';
import type { FlowNodeState, FlowStatus } from '@jobdeck/workflows/flows';

export const FAILED_STATES: readonly JobState[] = ['failed', 'timed_out', 'terminated'];
const isLive = (state: JobState) => (LIVE_STATES as readonly JobState[]).includes(state);

/** A child's record, as a flow's page shows it. */
export interface ChildRecord {
  id: string;
  flowNode: string | null;
  state: JobState;
  progressPercent: number;
  progressStep: string | null;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** A flow starts at most 1,000 jobs, retries besides: this is every child of any real flow. */
const MAX_CHILDREN = 5_000;

/** Every child of a flow, oldest first (the (parentId, createdAt) index). */
export async function childRecords(sql: Sql, flowId: string): Promise<ChildRecord[]> {
  const { rows } = await sql.query<ChildRecord>(
    `SELECT "id", "flowNode", "state", "progressPercent", "progressStep", "error", "createdAt", "startedAt", "finishedAt"
       FROM "Job" WHERE "parentId" = $1 ORDER BY "createdAt", "id" LIMIT ${MAX_CHILDREN}`,
    [flowId],
  );
  return rows;
}

/**
 * A node's state from the states of its items' latest jobs (one per item; a retry's job replaces the
 * job it retries). Null when it has none: whether it is pending, blocked or skipped depends on the
 * rest of the flow (neverStartedState).
 */
export function nodeStateFromJobs(latest: readonly JobState[]): FlowNodeState | null {
  if (!latest.length) return null;
  if (latest.some(isLive)) return 'running';
  if (latest.some((state) => FAILED_STATES.includes(state))) return 'failed';
  if (latest.includes('cancelled')) return 'cancelled';
  return 'completed';
}

/** The latest job of each item of a node (jobs oldest first), by the items' `flowNode`. */
export function latestPerItem<T extends { flowNode: string | null }>(jobs: readonly T[]): T[] {
  const byItem = new Map<string, T>();
  for (const job of jobs) byItem.set(job.flowNode ?? '', job);
  return [...byItem.values()];
}

/**
 * A node without jobs. Derived: a closed flow will never start it (skipped); a running one waits
 * for its parents (pending) unless one upstream failed without continueOnFailure (blocked: it may
 * still run, should that node be retried).
 */
export function neverStartedState(flowClosed: boolean, upstreamFailed: boolean): FlowNodeState {
  if (flowClosed) return 'skipped';
  return upstreamFailed ? 'blocked' : 'pending';
}

/**
 * A flow's status from its own record and its nodes' states. Derived, not the engine's word: a
 * running flow with a failed node and nothing running is taken to wait for a retry
 * (waiting_for_retry), though the engine may be a moment from starting the next node or from
 * failing the flow; and a flow whose workflow was terminated or timed out reads `failed`.
 */
export function flowStatusFromRecords(flowState: JobState, nodeStates: readonly FlowNodeState[]): FlowStatus {
  if (flowState === 'completed') return 'completed';
  if (flowState === 'cancelled') return 'cancelled';
  if (FAILED_STATES.includes(flowState)) return 'failed';
  if (nodeStates.includes('running')) return 'running';
  return nodeStates.includes('failed') ? 'waiting_for_retry' : 'running';
}
