// Imported by workflow code: types and @temporalio/workflow only.
import type { Sinks } from '@temporalio/workflow';
import type { JobEnvelope } from '../envelope';

export type JobOutcome =
  | { state: 'completed'; result: unknown; summary?: string }
  | {
      state: 'failed';
      error: string;
      stack?: string;
      errorType?: string;
      /** Why no further attempt was made: "every attempt failed", "not retried: … is not retryable". */ stopped?: string;
    }
  | { state: 'cancelled'; reason: string };

/** The same end without what the database refused to store (the result, or the error text). */
export function plainOutcome(outcome: JobOutcome): JobOutcome {
  if (outcome.state === 'completed')
    return { state: 'completed', result: null, summary: 'completed; its result could not be stored' };
  if (outcome.state === 'failed')
    return {
      state: 'failed',
      error: 'failed; its error message could not be stored',
      errorType: outcome.errorType,
      stopped: outcome.stopped,
    };
  return outcome;
}

/**
 * How the workflow shell hands the job record to its worker: a sink call runs in the worker's Node
 * process once the workflow task is done, writes no history event and costs no Temporal action.
 * Sinks are not durable by themselves (a worker killed between the task and the write loses the
 * call): the worker's recorder keeps what Postgres cannot take yet, and the reconciler job brings
 * whatever is still missing in line with Temporal.
 */
export interface JobRecordSinks extends Sinks {
  jobRecords: {
    /** Creates the record if the API did not (a Schedule's run, a start around the API, Postgres away at enqueue). */
    started(job: JobEnvelope, runId: string): void;
    finished(jobId: string, outcome: JobOutcome): void;
  };
}
