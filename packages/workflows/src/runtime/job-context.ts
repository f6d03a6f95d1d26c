import { Context } from '@temporalio/activity';
import type { ActivityDeps } from './activity-deps';
import type { JobProgress } from './events';
import type { LogLevel } from './records/statements';

export type { LogLevel };

/**
 * What an activity uses to tell people what it is doing. Progress also heartbeats, so a job that
 * reports progress is known to be alive; a checkpoint passed along is what a retry resumes from.
 */
export interface JobContext {
  jobId: string;
  attempt: number;
  /** Aborted when the job is cancelled (learned through heartbeats) or the worker shuts down. */
  signal: AbortSignal;
  /** Resolves once recorded, or at once while Postgres is away (the record catches up later): never throws for it. */
  progress(progress: JobProgress, checkpoint?: unknown): Promise<void>;
  log(level: LogLevel, message: string, data?: Record<string, unknown>): Promise<void>;
  /** The checkpoint the previous attempt heartbeated, if any. */
  lastCheckpoint<T>(): T | undefined;
}

export function jobContext({ records }: ActivityDeps): JobContext {
  const ctx = Context.current();
  const { workflowExecution, attempt, heartbeatDetails, taskQueue } = ctx.info;
  if (!workflowExecution) throw new Error('jobContext() is for activities of a job workflow');
  const jobId = workflowExecution.workflowId;

  return {
    jobId,
    attempt,
    signal: ctx.cancellationSignal,
    lastCheckpoint: <T>() => heartbeatDetails as T | undefined,
    async progress(progress, checkpoint) {
      ctx.heartbeat(checkpoint);
      await records.progress(jobId, progress, attempt, { queue: taskQueue });
    },
    async log(level, message, data) {
      await records.log(jobId, level, message, attempt, data, { queue: taskQueue });
    },
  };
}
