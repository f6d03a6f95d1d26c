import { WorkflowNotFoundError } from '@temporalio/client';
import type { ControlDeps } from './deps';
import { DomainError } from './errors';

/** A line in the job's log, live to its watchers too; best effort, as the other job actions write theirs. */
export async function jobLogLine(deps: ControlDeps, jobId: string, level: 'info' | 'warn', message: string) {
  await deps.db.jobLog.create({ data: { jobId, level, message } }).catch(() => undefined);
  await deps.events
    .publish({ kind: 'job.log', jobId, level, message, at: new Date().toISOString() })
    .catch(() => undefined);
}

// gRPC status codes Temporal answers a refused command with.
const GRPC_INVALID_ARGUMENT = 3;
const GRPC_NOT_FOUND = 5;
const GRPC_FAILED_PRECONDITION = 9;
const GRPC_UNIMPLEMENTED = 12;

/**
 * Temporal's refusal of a command as the API's: the job (or its activity) moved on between the check
 * and the command, or the server said no with a reason of its own. Anything else is Temporal away.
 */
export function temporalRefusal(id: string, what: string) {
  return (error: unknown): never => {
    const code = (error as { code?: unknown })?.code;
    const message = (error as Error)?.message ?? String(error);
    if (error instanceof WorkflowNotFoundError || code === GRPC_NOT_FOUND)
      throw new DomainError('PRECONDITION_FAILED', `job ${id} could not be ${what}: ${message}`);
    if (code === GRPC_INVALID_ARGUMENT || code === GRPC_FAILED_PRECONDITION)
      throw new DomainError('PRECONDITION_FAILED', `Temporal refused: ${message}`);
    if (code === GRPC_UNIMPLEMENTED)
      throw new DomainError('PRECONDITION_FAILED', `this Temporal server does not offer it: ${message}`);
    throw new DomainError('SERVICE_UNAVAILABLE', `Temporal did not answer: ${message}`);
  };
}
