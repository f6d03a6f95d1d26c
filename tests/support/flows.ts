// Helpers of the flow suites (tests/integration/flows*.test.ts): nodes aimed at loopback receivers,
// a flow's children from their records, and waiting for a flow's page to say something.
import type { JobdeckClient } from '@jobdeck/api/client';
import type { LoopbackReceiver } from './loopback-receiver';
import { db, eventually } from './harness';

export type FlowDetail = Awaited<ReturnType<JobdeckClient['flows']['get']['query']>>;

/** A webhook.deliver node posting `payload` to the receiver. */
export const deliver = (key: string, to: LoopbackReceiver, payload: Record<string, unknown> = { node: key }) => ({
  key,
  type: 'webhook.deliver',
  input: { url: to.url, payload, timeoutMs: 5_000 },
});

/** The flow's children (its node jobs), oldest first. */
export async function children(flowId: string) {
  return db.job.findMany({ where: { parentId: flowId }, orderBy: { createdAt: 'asc' } });
}

/** The flow's page once `check` accepts it. */
export async function flowWhen(
  client: JobdeckClient,
  id: string,
  what: string,
  check: (flow: FlowDetail) => boolean,
  timeoutMs = 45_000,
) {
  return eventually(
    `flow ${id}: ${what}`,
    async () => {
      const flow = await client.flows.get.query({ id });
      return check(flow) ? flow : undefined;
    },
    timeoutMs,
  );
}

export const nodeState = (flow: Pick<FlowDetail, 'nodes'>, key: string) =>
  flow.nodes.find((node) => node.key === key)?.state;
