// Flows for the API and the dashboard: the definition and its checks, the snapshot the flow.run workflow
// answers, and the query and update to ask it with.
import type { z } from 'zod';
import type { flowNodeOptions } from './definition';

export {
  flowDefinition,
  flowNodeDefinition,
  flowNodeKey,
  flowNodeOptions,
  flowShapeProblems,
  DEFAULT_RETRY_WINDOW_MS,
  MAX_FLOW_EDGES,
  MAX_FLOW_JOBS,
  MAX_FLOW_NODES,
  type FlowDefinition,
  type FlowDefinitionInput,
  type FlowNodeDefinition,
  type FlowProblem,
} from './definition';
export { checkFlowNodes } from './check';
export type {
  FlowJobSnapshot,
  FlowJobState,
  FlowNodeSnapshot,
  FlowNodeState,
  FlowResult,
  FlowSnapshot,
  FlowStatus,
  RetryNodeRequest,
  RetryNodeResult,
} from './snapshot';
export { flowQuery, retryNodeUpdate } from '../sandbox/flow/messages';
export { flowJobAttempt, flowJobId, flowNodeName, parseFlowNode } from '../sandbox/flow/start-node';
export { ancestorsOf, findCycle, parentsOf, topologicalOrder, type FlowEdge } from '../sandbox/flow/graph';
export { findReferences, parseReference, type Reference } from '../sandbox/flow/references';
export type { ChildJobRequest, ChildJobStart } from './prepare-child';
export type { ChildJobSpec } from '../sandbox/children';

/** What a node (or runChildJob) may set of its job's options. */
export type FlowNodeOptions = z.input<typeof flowNodeOptions>;
