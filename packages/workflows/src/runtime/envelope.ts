import type { Role } from './roles';
import type { Priority } from './states';

/** Retry settings of a job's activities; the job type gives defaults, enqueue may override them. */
export interface RetrySettings {
  maxAttempts: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
}

/**
 * The single argument of every job workflow: readable in the Temporal UI's input panel,
 * and everything the worker needs to rebuild the job record if the API never wrote it.
 */
export interface JobEnvelope<Input = unknown> {
  jobId: string;
  type: string;
  queue: string;
  input: Input;
  priority: Priority;
  retry: RetrySettings;
  /** The job type's activity timeouts and the error types it never retries. */
  activity: { startToCloseMs: number; heartbeatMs?: number; nonRetryableErrors: string[] };
  requestedBy: string;
  /** The role the requester held: what the job may do on their behalf (a bulk action's retries). Absent before roles were recorded. */
  requestedByRole?: Role;
  idempotencyKey?: string;
  timeoutMs?: number;
  enqueuedAt: string;
  runAt?: string;
  /** The Temporal Schedule whose action starts this job (its runs carry TemporalScheduledById too). */
  scheduleId?: string;
  /** At most `limit` starts per `intervalMs` among jobs sharing `key`, across all workers. */
  rateLimit?: { key: string; limit: number; intervalMs: number };
  /** The job this one retries. */
  retryOf?: string;
  /** The template it was run from (templates.run). */
  templateId?: string;
  /** The job that started this one as its child (a flow, or a job calling runChildJob): Temporal's parent workflow. */
  parentId?: string;
  /** The flow node it runs: `key`, or `key[index]` for one item of a fan-out. */
  flowNode?: string;
  /** The workflow shell this job was started for (LEAN_SHELL); absent on jobs of the first shell. */
  shell?: number;
}
