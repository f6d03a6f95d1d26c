// flows.retryNode: asks the running flow to run a failed node again (the `jobdeck.flow.retryNode`
// update); the flow goes on from there, its completed nodes are not run again. The flow's validator
// refuses a node that has not failed: its message is the 412's. The audit trail records the call
// (every mutation is audited), and the flow's job log says who retried what.
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { withTimeLimit } from '@jobdeck/workflows';
import { DomainError } from '@jobdeck/workflows/control';
import { retryNodeUpdate, type RetryNodeRequest, type RetryNodeResult } from '@jobdeck/workflows/flows';
import type { Principal } from '../auth/tokens';
import type { Services } from '../services';
import { flowRecord, workflowStatus } from './get';

/**
 * An update waits for a worker to run the flow's workflow task: with none polling, it would wait for
 * as long as the client lets it. A request is answered well before that.
 */
const UPDATE_TIME_LIMIT_MS = 8_000;
class UpdateTooLate extends Error {}

const endedMessage = (id: string, state: string) =>
  `the flow ${id} ${state === 'ended' ? 'ended' : `ended (${state})`}; retry it as a new flow`;

export async function retryFlowNode(
  services: Services,
  principal: Principal,
  request: { id: string; node: string; reason?: string },
) {
  const { id, node, reason } = request;
  const record = await flowRecord(services, id);
  if (!(record.input?.nodes ?? []).some((declared) => declared.key === node))
    throw new DomainError('NOT_FOUND', `flow ${id} has no node "${node}"`);
  const status = await workflowStatus(services, id);
  if (status === undefined)
    throw new DomainError(
      'SERVICE_UNAVAILABLE',
      'Temporal did not answer; the node was not retried, try again shortly',
    );
  if (status === null) throw new DomainError('PRECONDITION_FAILED', endedMessage(id, 'ended'));
  if (status !== 'RUNNING') throw new DomainError('PRECONDITION_FAILED', endedMessage(id, status.toLowerCase()));

  const args: RetryNodeRequest = { node, by: principal.name, ...(reason ? { reason } : {}) };
  let result: RetryNodeResult;
  try {
    result = await withTimeLimit(
      services.temporal.workflow.getHandle(id).executeUpdate(retryNodeUpdate, { args: [args] }),
      UPDATE_TIME_LIMIT_MS,
      () => new UpdateTooLate(),
    );
  } catch (error) {
    if (error instanceof UpdateTooLate)
      throw new DomainError(
        'SERVICE_UNAVAILABLE',
        `the flow did not take the retry within ${UPDATE_TIME_LIMIT_MS / 1000} s (is a worker polling its queue?); ` +
          'it may still take it once one does: see flows.get before asking again',
      );
    // The validator's refusal (the node is not failed) or the handler's: the workflow's own words.
    if (error instanceof WorkflowUpdateFailedError)
      throw new DomainError('PRECONDITION_FAILED', (error.cause as Error | undefined)?.message ?? error.message);
    // The flow ended between the check and the update.
    if (error instanceof WorkflowNotFoundError || (error as { code?: unknown })?.code === 5)
      throw new DomainError('PRECONDITION_FAILED', endedMessage(id, 'ended'));
    throw error;
  }
  const message = `node "${node}" retried by ${principal.name}${reason ? `: ${reason}` : ''} (jobs ${result.jobIds.join(', ')})`;
  await services.db.jobLog.create({ data: { jobId: id, level: 'info', message } }).catch(() => undefined);
  await services.events
    .publish({ kind: 'job.log', jobId: id, level: 'info', message, at: new Date().toISOString() })
    .catch(() => undefined);
  return { id, node: result.node, jobIds: result.jobIds };
}
