// Runs inside Temporal's deterministic workflow sandbox: import only @temporalio/workflow and types.
//
// The flow.run workflow's engine: the Temporal side of a flow (child jobs, the retry window's timer, the
// `jobdeck.flow` query and the `jobdeck.flow.retryNode` update). What to start and when is decided by
// plan.ts and start-node.ts, plain functions unit-tested on their own.
//
// History: every job a flow starts adds about a dozen events (its prepareChildJob activity, the child's
// start and end). A flow starts at most MAX_FLOW_JOBS (1000) jobs, retries included: some 12,000 events,
// well inside Temporal's 51,200-event limit, so a flow runs in one execution, without continue-as-new.
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { FlowResult } from '../../flows/snapshot';
import type { JobEnvelope } from '../../runtime/envelope';
import { startJobAsChild } from '../children';
import { rootCause } from '../signals';
import { flowQuery, retryNodeUpdate } from './messages';
import {
  createFlowRun,
  endFlow,
  finishJob,
  firstStoppingFailure,
  flowResult,
  flowSnapshot,
  flowStatus,
  flowSummary,
  retryProblem,
  runnableNodes,
  type FlowRun,
  type PlanDefinition,
} from './plan';
import { startNode, type PlannedJob } from './start-node';

/** What the engine hands back to the shell: the result, and the record's summary line. */
export interface FlowOutcome {
  result: FlowResult;
  summary: string;
}

/**
 * Runs a flow to its end: starts every node whose parents are done, each as child jobs; when nothing
 * more can run and a node failed, waits up to retryWindowMs for a retry (flows.retryNode), then fails
 * with FlowNodeFailed. Cancelled, it cancels its running children, waits for them, and ends cancelled.
 */
export async function runFlow(
  job: JobEnvelope<PlanDefinition>,
  onSummary: (summary: string) => void,
): Promise<FlowResult> {
  const definition = job.input;
  const run = createFlowRun(workflowInfo().workflowId, definition);
  /** Bumped by every change the main loop must look at (a job ended, a retry asked for). */
  let version = 0;
  let retryDeadline: string | undefined;
  /** The jobs being started or running, by id: what a cancelled flow waits for. */
  const inFlight = new Map<string, Promise<void>>();
  /** Ids whose start has been decided: started in Temporal, or failed before it. */
  const settledStarts = new Set<string>();
  let announced = false;

  const launch = (key: string): PlannedJob[] => {
    const planned = startNode(run, key);
    version += 1;
    for (const job of planned) inFlight.set(job.id, runNodeJob(key, job));
    return planned;
  };

  const runNodeJob = async (key: string, planned: PlannedJob): Promise<void> => {
    try {
      const announceParent = !announced;
      announced = true;
      const handle = await startJobAsChild(job, {
        name: `node "${planned.flowNode}"`,
        id: planned.id,
        type: planned.type,
        input: planned.input,
        options: planned.options,
        flowNode: planned.flowNode,
        retryOf: planned.retryOf,
        announceParent,
      }).finally(() => settledStarts.add(planned.id));
      version += 1;
      const result: unknown = await handle.result();
      finishJob(run, key, planned.id, { state: 'completed', result });
    } catch (error) {
      const cancelled = isCancellation(error);
      finishJob(run, key, planned.id, {
        state: cancelled ? 'cancelled' : 'failed',
        error: cancelled ? undefined : rootCause(error).message,
      });
    } finally {
      inFlight.delete(planned.id);
      version += 1;
    }
  };

  setHandler(flowQuery, () => flowSnapshot(run, retryDeadline));
  setHandler(
    retryNodeUpdate,
    async ({ node, by, reason }) => {
      const problem = retryProblem(run, node);
      if (problem) throw ApplicationFailure.nonRetryable(problem, 'FlowRetryRefused');
      log.info(`flow ${run.flowId}: node "${node}" retried by ${by}${reason ? `: ${reason}` : ''}`);
      const planned = launch(node);
      // Answer once its jobs exist in Temporal (or failed to start), so the caller can open them at once.
      await condition(() => planned.every((job) => settledStarts.has(job.id)));
      return { node, jobIds: planned.map((job) => job.id) };
    },
    {
      validator: ({ node }) => {
        const problem = retryProblem(run, node);
        if (problem) throw new Error(problem);
      },
    },
  );

  try {
    return await drive(
      run,
      definition.retryWindowMs,
      launch,
      () => version,
      (deadline) => (retryDeadline = deadline),
    );
  } catch (error) {
    if (isCancellation(error)) {
      endFlow(run, 'cancelled');
      // The children were asked to cancel with the flow; wait for them to end, whatever the flow's own cancellation.
      await CancellationScope.nonCancellable(() => Promise.all(inFlight.values()));
    }
    throw error;
  } finally {
    onSummary(flowSummary(run));
  }
}

/** The main loop: start what may start, then wait for something to change (or the retry window to close). */
async function drive(
  run: FlowRun,
  retryWindowMs: number,
  launch: (key: string) => unknown,
  version: () => number,
  setDeadline: (deadline: string | undefined) => void,
): Promise<FlowResult> {
  for (;;) {
    // One at a time: a node that fails at once (a reference without a value) may stop the rest (policy stop).
    for (let key = runnableNodes(run)[0]; key !== undefined; key = runnableNodes(run)[0]) launch(key);
    const status = flowStatus(run);
    const seen = version();
    if (status === 'completed') {
      endFlow(run, 'completed');
      return flowResult(run);
    }
    if (status === 'running') {
      await condition(() => version() !== seen);
      continue;
    }
    // Nothing more can run and a node failed: the flow waits for a retry, then fails.
    // (The sandbox's Date is the workflow task's time, replayed from history: deterministic.)
    setDeadline(new Date(Date.now() + retryWindowMs).toISOString());
    const retried = retryWindowMs > 0 && (await condition(() => version() !== seen, retryWindowMs));
    setDeadline(undefined);
    if (!retried) {
      endFlow(run, 'failed');
      const failure = firstStoppingFailure(run);
      throw ApplicationFailure.create({
        type: 'FlowNodeFailed',
        message: failure ? `node "${failure.key}" failed: ${failure.error}` : 'the flow failed',
        nonRetryable: true,
      });
    }
  }
}
