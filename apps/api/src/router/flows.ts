import { z } from 'zod';
import { jobIdSchema as jobId } from '@jobdeck/workflows/control';
import { flowNodeKey } from '@jobdeck/workflows/flows';
import { cancelFlow } from '../flows/cancel';
import { getFlow } from '../flows/get';
import { flowListRequest, listFlows } from '../flows/list';
import { retryFlowNode } from '../flows/retry-node';
import { flowStartRequest, startFlow } from '../flows/start';
import { operatorProcedure, router, viewerProcedure } from '../trpc';

const reason = z.string().trim().min(3, 'say why in a few words, or leave the reason out').max(500);

export const flowsRouter = router({
  /** A set of jobs with dependencies, validated whole before anything starts (400 naming the node). */
  start: operatorProcedure
    .input(flowStartRequest)
    .mutation(({ ctx, input }) => startFlow(ctx.services, ctx.principal, input)),

  /** Flows newest first, with their children's counts by state and their failed nodes. */
  list: viewerProcedure.input(flowListRequest).query(({ ctx, input }) => listFlows(ctx.services, input)),

  /** One flow: its graph, each node's state, jobs and progress. */
  get: viewerProcedure
    .input(z.object({ id: jobId }).strict())
    .query(({ ctx, input }) => getFlow(ctx.services, input.id)),

  /** The flow's running nodes are cancelled; pending ones never start. */
  cancel: operatorProcedure
    .input(z.object({ id: jobId, reason: reason.optional() }).strict())
    .mutation(({ ctx, input }) => cancelFlow(ctx.services, ctx.principal, input.id, input.reason)),

  /** A failed node runs again (only its failed items, for a fan-out); the flow goes on from it. */
  retryNode: operatorProcedure
    .input(z.object({ id: jobId, node: flowNodeKey, reason: reason.optional() }).strict())
    .mutation(({ ctx, input }) => retryFlowNode(ctx.services, ctx.principal, input)),
});
