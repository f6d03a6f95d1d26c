// Types only: the flow.run workflow (sandbox), the API and the dashboard share them.

/** What a flow is doing, as the `jobdeck.flow` query answers. */
export type FlowStatus = 'running' | 'waiting_for_retry' | 'completed' | 'failed' | 'cancelled';

/**
 * pending: not started, its parents not all done; blocked: an upstream node failed (it may still run
 * after a retry); skipped: never started and never will (the flow ended).
 */
export type FlowNodeState = 'pending' | 'blocked' | 'running' | 'completed' | 'failed' | 'skipped' | 'cancelled';

export type FlowJobState = 'running' | 'completed' | 'failed' | 'cancelled';

/** One job a node started: one per node, or one per fan-out item, and again per retry. */
export interface FlowJobSnapshot {
  id: string;
  /** The fan-out item it runs (absent for a node without fanOut). */
  item?: number;
  state: FlowJobState;
  error?: string;
}

export interface FlowNodeSnapshot {
  state: FlowNodeState;
  /** 0 before it starts; 1 for its first run; n for its (n-1)th retry. */
  attempt: number;
  error?: string;
  /** Every job it started, oldest first (a retried item's earlier jobs stay listed). */
  jobs: FlowJobSnapshot[];
}

export interface FlowSnapshot {
  status: FlowStatus;
  /** ISO time at which a flow waiting for a retry fails; only while waiting_for_retry. */
  retryDeadline?: string;
  nodes: Record<string, FlowNodeSnapshot>;
}

/** A completed flow's result (also the job record's result). */
export interface FlowResult {
  nodes: Record<string, { state: FlowNodeState; jobIds: string[] }>;
}

/** The argument of the `jobdeck.flow.retryNode` update. */
export interface RetryNodeRequest {
  node: string;
  /** Who asked (recorded in the flow's history, with the reason). */
  by: string;
  reason?: string;
}

/** What `jobdeck.flow.retryNode` answers: the jobs the retry started (empty when the node failed before any). */
export interface RetryNodeResult {
  node: string;
  jobIds: string[];
}
