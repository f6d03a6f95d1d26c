// flows.get: one flow's page. The definition is its record's input; the nodes' states are the
// engine's own (the `jobdeck.flow` query) while the flow runs and answers within a short time, else
// what the children's records say (source 'postgres'); each node's jobs and progress are the records'.
import { WorkflowNotFoundError } from '@temporalio/client';
import { CLOSED_EXECUTION_STATES, FINAL_STATES, FLOW_JOB_TYPE, withTimeLimit, type JobState } from '@jobdeck/workflows';
import { DomainError } from '@jobdeck/workflows/control';
import { DEFAULT_RETRY_WINDOW_MS, flowQuery, type FlowDefinition, type FlowStatus } from '@jobdeck/workflows/flows';
import { isTemporalUnavailable } from '../errors';
import type { Services } from '../services';
import { childRecords, flowStatusFromRecords } from './records';
import { flowNodeViews, type FlowNodeView } from './nodes';

/** How long flows.get waits for the engine's snapshot before it answers from the records. */
export const SNAPSHOT_TIME_LIMIT_MS = 2_000;

export interface FlowDetail {
  id: string;
  name: string;
  state: JobState;
  status: FlowStatus;
  onFailure: 'stop' | 'continue';
  retryWindowMs: number;
  retryDeadline: string | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  requestedBy: string;
  nodes: FlowNodeView[];
  edges: Array<{ from: string; to: string }>;
  /** `temporal`: node states are the running engine's; `postgres`: the records' (the flow ended, or Temporal did not answer in time). */
  source: 'temporal' | 'postgres';
  temporal: { uiUrl: string; listCommand: string };
}

interface FlowRecord {
  id: string;
  type: string;
  state: JobState;
  input: Partial<FlowDefinition> | null;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  requestedBy: string;
}

/** The flow's record, or a 404 that says what the id is when it is not a flow. */
export async function flowRecord(services: Services, id: string): Promise<FlowRecord> {
  const { rows } = await services.sql.query<FlowRecord>(
    `SELECT "id", "type", "state", "input", "error", "createdAt", "startedAt", "finishedAt", "requestedBy"
       FROM "Job" WHERE "id" = $1`,
    [id],
  );
  const record = rows[0];
  if (!record) throw new DomainError('NOT_FOUND', `no flow ${id}`);
  if (record.type !== FLOW_JOB_TYPE)
    throw new DomainError('NOT_FOUND', `no flow ${id}: it is a ${record.type} job (see jobs.get)`);
  return record;
}

/** Temporal's status name of the flow's workflow; null when it does not know it, undefined when it is away. */
export async function workflowStatus(services: Services, id: string): Promise<string | null | undefined> {
  try {
    return (await services.temporal.workflow.getHandle(id).describe()).status.name;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return null;
    if (!isTemporalUnavailable(error)) throw error;
    services.outages.note(error);
    return undefined;
  }
}

export async function getFlow(services: Services, id: string): Promise<FlowDetail> {
  const { config, temporal } = services;
  const [record, children, status] = await Promise.all([
    flowRecord(services, id),
    childRecords(services.sql, id),
    workflowStatus(services, id),
  ]);
  const running = status === 'RUNNING';
  // Only a running flow is asked: a closed one would be replayed by a worker to answer what its records say.
  const snapshot = running
    ? await withTimeLimit(
        temporal.workflow.getHandle(id).query(flowQuery),
        SNAPSHOT_TIME_LIMIT_MS,
        () => new Error(`the flow's snapshot took more than ${SNAPSHOT_TIME_LIMIT_MS} ms`),
      ).catch(() => null)
    : null;
  // Temporal's word on whether the flow ended; the record's when Temporal does not answer.
  const closedState = status ? CLOSED_EXECUTION_STATES[status] : undefined;
  const state: JobState = closedState ?? record.state;
  const flowClosed = status ? !running : (FINAL_STATES as readonly JobState[]).includes(record.state);
  const flow = {
    name: record.input?.name ?? id,
    nodes: record.input?.nodes ?? [],
    edges: record.input?.edges ?? [],
    onFailure: record.input?.onFailure ?? 'stop',
    retryWindowMs: record.input?.retryWindowMs ?? DEFAULT_RETRY_WINDOW_MS,
  };
  const nodes = flowNodeViews(flow, children, snapshot, flowClosed);
  const namespace = config.temporalNamespace;
  return {
    id,
    name: flow.name,
    state,
    status:
      snapshot?.status ??
      flowStatusFromRecords(
        state,
        nodes.map((node) => node.state),
      ),
    onFailure: flow.onFailure,
    retryWindowMs: flow.retryWindowMs,
    retryDeadline: snapshot?.retryDeadline ?? null,
    error: record.error,
    createdAt: record.createdAt.toISOString(),
    startedAt: record.startedAt?.toISOString() ?? null,
    finishedAt: record.finishedAt?.toISOString() ?? null,
    requestedBy: record.requestedBy,
    nodes,
    edges: flow.edges,
    source: snapshot ? 'temporal' : 'postgres',
    temporal: {
      uiUrl: `${config.temporalUiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(id)}`,
      listCommand: `temporal workflow list --query "ParentWorkflowId='${id}'"`,
    },
  };
}
