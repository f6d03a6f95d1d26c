// flows.start: a flow is one flow.run job whose input is its definition; the engine (the flow.run
// workflow) starts the nodes as child jobs. Everything that can be known before the start is checked
// here, so that a flow with a wrong node is refused whole instead of failing halfway.
import { z } from 'zod';
import { enqueueOptions, jobTimeoutMs, startJobWorkflow } from '@jobdeck/workflows/control';
import { FLOW_JOB_TYPE, PRIORITIES } from '@jobdeck/workflows';
import { flowDefinition, type FlowDefinition } from '@jobdeck/workflows/flows';
import type { Principal } from '../auth/tokens';
import type { Services } from '../services';
import { refuseInvalidFlow } from './refusals';

/** The job type that runs flows (its workflow is the flow engine). */

/** The most a definition may weigh, as for any job's input (jobs.enqueue). */
export const MAX_FLOW_BYTES = 256 * 1024;

/** What a flow's own job may set: it runs on the flows queue, once (its nodes have their own retries). */
export const flowStartOptions = z
  .object({
    priority: z.enum(PRIORITIES).optional(),
    /** The same key always answers with the same flow: a retried request never starts two. */
    idempotencyKey: z.string().min(1).max(200).optional(),
    /** The whole flow, waiting for retries included, must end within this. */
    timeoutMs: jobTimeoutMs.optional(),
  })
  .strict();

export const flowStartRequest = flowDefinition
  .safeExtend({ options: flowStartOptions.optional() })
  .superRefine((request, ctx) => {
    const { options: _options, ...definition } = request;
    const bytes = Buffer.byteLength(JSON.stringify(definition));
    if (bytes > MAX_FLOW_BYTES)
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: `the flow definition is ${Math.ceil(bytes / 1024)} KiB; at most ${MAX_FLOW_BYTES / 1024} KiB (pass references to large data instead)`,
      });
  });
export type FlowStartRequest = z.output<typeof flowStartRequest>;

/** How many jobs a flow starts at first try: a fan-out over an upstream result counts one until it is known. */
export function plannedJobs(flow: Pick<FlowDefinition, 'nodes'>): number {
  return flow.nodes.reduce((sum, node) => sum + (Array.isArray(node.fanOut) ? node.fanOut.length : 1), 0);
}

export async function startFlow(services: Services, principal: Principal, request: FlowStartRequest) {
  const { options, ...definition } = request;
  const actor = { name: principal.name, role: principal.role };
  refuseInvalidFlow(definition, services.catalog, actor);
  // Through the shared start: idempotency keys, the record, the live `added` event as for any job.
  const started = await startJobWorkflow(services, {
    type: FLOW_JOB_TYPE,
    input: definition,
    options: enqueueOptions.parse(options ?? {}),
    requestedBy: actor,
  });
  return { ...started, nodes: definition.nodes.length, jobs: plannedJobs(definition) };
}
