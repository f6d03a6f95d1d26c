import { WorkflowFailedError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import { CLOSED_EXECUTION_STATES, type FinalJobState } from '../../runtime/states';

export interface JobEnd {
  state: FinalJobState;
  finishedAt: Date;
  error: string | null;
  result?: unknown;
  attempts: number;
  startedAt: Date | null;
}

function timestamp(value: { seconds?: unknown; nanos?: number | null } | null | undefined): Date | null {
  if (!value?.seconds) return null;
  return new Date(Number(value.seconds) * 1000 + Math.floor((value.nanos ?? 0) / 1e6));
}

function innermost(error: unknown): Error {
  let current = error as Error & { cause?: unknown };
  while (current?.cause instanceof Error) current = current.cause as Error & { cause?: unknown };
  return current;
}

/** How a closed job ended, read from its history: what the shell would have recorded, and what it cannot. */
export async function jobEndFromHistory(
  temporal: Client,
  description: WorkflowExecutionDescription,
): Promise<JobEnd | null> {
  const state = CLOSED_EXECUTION_STATES[description.status.name];
  if (!state) return null;
  const handle = temporal.workflow.getHandle(description.workflowId, description.runId);
  const events = (await handle.fetchHistory()).events ?? [];
  let attempts = 0;
  let startedAt: Date | null = null;
  for (const event of events) {
    const started = event.activityTaskStartedEventAttributes;
    if (!started) continue;
    attempts = Math.max(attempts, started.attempt ?? 1);
    startedAt ??= timestamp(event.eventTime);
  }
  const last = events.at(-1);
  const end: JobEnd = {
    state,
    finishedAt: description.closeTime ?? timestamp(last?.eventTime) ?? new Date(),
    error: null,
    attempts,
    startedAt,
  };
  switch (state) {
    case 'completed':
      end.result = await handle.result().catch(() => null);
      break;
    case 'failed':
      end.error = await handle.result().then(
        () => 'failed',
        (error: unknown) =>
          error instanceof WorkflowFailedError ? innermost(error).message : String((error as Error).message),
      );
      break;
    case 'cancelled':
      end.error = 'cancelled by request';
      break;
    case 'terminated': {
      const reason = last?.workflowExecutionTerminatedEventAttributes?.reason;
      end.error = reason ? `terminated: ${reason}` : 'terminated';
      break;
    }
    case 'timed_out': {
      const timeout = description.raw.executionConfig?.workflowExecutionTimeout?.seconds;
      end.error = timeout ? `timed out after ${Number(timeout) * 1000} ms` : 'timed out';
      break;
    }
  }
  return end;
}
