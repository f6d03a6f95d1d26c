import { Context } from '@temporalio/activity';
import type { ActivityDeps } from './activity-deps';
import type { JobProgress } from './events';
import { redactSecrets } from './redact';
import { recordableText, toStorable } from './storable';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * What an activity uses to tell people what it is doing. Progress also heartbeats, so a job that
 * reports progress is known to be alive; a checkpoint passed along is what a retry resumes from.
 */
export interface JobContext {
  jobId: string;
  attempt: number;
  /** Aborted when the job is cancelled (learned through heartbeats) or the worker shuts down. */
  signal: AbortSignal;
  progress(progress: JobProgress, checkpoint?: unknown): Promise<void>;
  log(level: LogLevel, message: string, data?: Record<string, unknown>): Promise<void>;
  /** The checkpoint the previous attempt heartbeated, if any. */
  lastCheckpoint<T>(): T | undefined;
}

export function jobContext({ db, events }: ActivityDeps): JobContext {
  const ctx = Context.current();
  const { workflowExecution, attempt, heartbeatDetails } = ctx.info;
  if (!workflowExecution) throw new Error('jobContext() is for activities of a job workflow');
  const jobId = workflowExecution.workflowId;

  return {
    jobId,
    attempt,
    signal: ctx.cancellationSignal,
    lastCheckpoint: <T>() => heartbeatDetails as T | undefined,
    async progress(progress, checkpoint) {
      ctx.heartbeat(checkpoint);
      const percent = Math.max(0, Math.min(100, progress.percent));
      const now = new Date();
      await db.job.updateMany({
        where: { id: jobId },
        data: {
          progressPercent: percent,
          progressStep: progress.step ? toStorable(progress.step) : undefined,
          stepsDone: progress.stepsDone ?? undefined,
          stepsTotal: progress.stepsTotal ?? undefined,
          progressMessage: progress.message ? recordableText(progress.message) : undefined,
          lastHeartbeatAt: now,
        },
      });
      await events.publish({
        kind: 'job.updated',
        jobId,
        progress: { ...progress, percent },
        attempt,
        at: now.toISOString(),
      });
    },
    // Log lines often quote what came from outside (a receiver's answer, an error): redacted and made storable.
    async log(level, given, data) {
      const now = new Date();
      const message = recordableText(given);
      await db.jobLog.create({
        data: { jobId, level, message, attempt, data: data ? (redactSecrets(toStorable(data)) as object) : undefined, createdAt: now },
      });
      await events.publish({ kind: 'job.log', jobId, level, message, at: now.toISOString() });
    },
  };
}
