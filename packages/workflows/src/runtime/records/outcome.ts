import { redactSecrets, redactText } from '../redact';
import type { JobOutcome } from './sinks';

/** The record's fields for a job's end (finishedAt aside), secrets taken out. */
export function endData(outcome: JobOutcome) {
  return outcome.state === 'completed'
    ? {
        state: 'completed' as const,
        result: redactSecrets(outcome.result ?? null) as object,
        resultSummary: outcome.summary ?? null,
        progressPercent: 100,
        error: null,
        errorStack: null,
        errorType: null,
      }
    : outcome.state === 'failed'
      ? {
          state: 'failed' as const,
          error: redactText(outcome.error),
          errorStack: outcome.stack ? redactText(outcome.stack) : null,
          // Left as the last failed attempt wrote it when the end does not say (the failure groups read it).
          errorType: outcome.errorType ?? undefined,
        }
      : { state: 'cancelled' as const, error: outcome.reason };
}

/** The job's log line for its end, with the error as recorded. */
export function endLogLine(
  outcome: JobOutcome,
  recordedError: string | null,
): { level: 'info' | 'warn' | 'error'; message: string } {
  if (outcome.state === 'completed')
    return { level: 'info', message: `completed${outcome.summary ? `: ${outcome.summary}` : ''}` };
  if (outcome.state === 'failed')
    return { level: 'error', message: `failed${outcome.stopped ? ` (${outcome.stopped})` : ''}: ${recordedError}` };
  return { level: 'warn', message: `cancelled: ${outcome.reason}` };
}
