import type { Db } from '@jobdeck/db';
import type { JobEnvelope } from '../envelope';
import type { EventBus, JobProgress } from '../events';
import { redactSecrets } from '../redact';
import { PRIORITY_KEYS } from '../states';
import { recordableText, toStorable } from '../storable';
import { createRecordOutbox, type RecordOp } from './outbox';
import { endData, endLogLine } from './outcome';
import { plainOutcome, type JobOutcome } from './sinks';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Where a job runs: carried on its live events, so that streams narrowed to a queue or type need no lookup. */
export interface JobScope {
  type?: string;
  queue?: string;
}

export interface AttemptFailure {
  attempt: number;
  maxAttempts: number;
  activity: string;
  message: string;
  stack?: string;
  errorType?: string;
  willRetry: boolean;
}

/**
 * The one writer of job records in the worker: the shell's sinks, the attempt interceptor and the
 * job context all write through it. Each write is a single statement; none throws because Postgres
 * is away (see the outbox), so a job's work never fails, waits or repeats for its bookkeeping.
 */
export function createJobRecorder({ db, events, log = console.warn }: { db: Db; events: EventBus; log?: (message: string) => void }) {
  const dropped = new Map<string, number>();
  const outbox = createRecordOutbox({
    probe: async () => void (await db.$queryRaw`SELECT 1`),
    log: (message) => log(`job records: ${message}`),
    onDropped: (jobId) => dropped.set(jobId, (dropped.get(jobId) ?? 0) + 1),
    onGiveUp: (op, reason) => void raiseAlert(op.jobId, `the job's record could not be written (${op.kind}): ${reason}`),
  });

  const submit = (op: RecordOp) => outbox.submit(op);
  const publish = (event: Parameters<EventBus['publish']>[0]) => events.publish(event).catch(() => undefined);

  /** Bookkeeping that cannot land becomes visible: an alert row and an error line on the job. */
  function raiseAlert(jobId: string, message: string): Promise<void> {
    log(`job ${jobId}: ${message}`);
    const now = new Date();
    return submit({
      jobId,
      kind: 'alert',
      write: async () => {
        if (!(await db.job.findUnique({ where: { id: jobId }, select: { id: true } }))) return;
        await db.jobAlert.upsert({
          where: { jobId },
          create: { jobId, kind: 'bookkeeping', severity: 'high', message, idleSince: now },
          update: { kind: 'bookkeeping', severity: 'high', message, lastSeenAt: now, resolvedAt: null },
        });
        await db.jobLog.create({ data: { jobId, level: 'error', message } });
      },
    });
  }

  function writeLog(jobId: string, level: LogLevel, message: string, attempt = 0, data?: object, at = new Date()): Promise<void> {
    return submit({
      jobId,
      kind: 'log',
      droppable: true,
      write: async () => {
        const lost = dropped.get(jobId);
        if (lost) {
          dropped.delete(jobId);
          await db.jobLog.create({ data: { jobId, level: 'warn', message: `${lost} log line(s) were dropped while Postgres was away` } });
        }
        await db.jobLog.create({ data: { jobId, level, message, attempt, data, createdAt: at } });
      },
    });
  }

  return {
    async started(started: JobEnvelope, runId: string): Promise<void> {
      // The API refuses what Postgres cannot hold; a job started around the API is recorded as near as it can be.
      const job = toStorable(started);
      const data = recordOfEnvelope(job, runId);
      await submit({
        jobId: job.jobId,
        kind: 'started',
        write: async () => {
          // Usually the API wrote it already: then this is one statement that changes nothing. The id and
          // the idempotency key are the record's only unique columns, so a skipped insert without a key
          // means the record exists; only with a key is there a second question to ask.
          const { count } = await db.job.createMany({ data: [data], skipDuplicates: true });
          if (count || !data.idempotencyKey || (await db.job.findUnique({ where: { id: job.jobId }, select: { id: true } }))) return;
          // Its idempotency key belongs to another job (a start made around the API): recorded without it, and said so.
          await db.job.create({ data: { ...data, idempotencyKey: undefined } });
          void raiseAlert(job.jobId, `started around the API with idempotency key "${recordableText(job.idempotencyKey ?? '')}", which another job already holds: recorded without the key`);
        },
      });
      void publish({ kind: 'job.updated', jobId: job.jobId, type: job.type, queue: job.queue, at: new Date().toISOString() });
    },

    /** When a worker really starts an attempt: the job turns active (a paused queue's jobs never get here). */
    async attemptStarted(jobId: string, attempt: number, scope: JobScope = {}, at = new Date()): Promise<void> {
      void publish({ kind: 'job.updated', jobId, ...scope, state: 'active', attempt, at: at.toISOString() });
      await submit({
        jobId,
        kind: 'attempt',
        write: async () => {
          const updated = await db.$executeRaw`
            UPDATE "Job" SET
              "attempts" = GREATEST("attempts", ${attempt}),
              "state" = CASE WHEN "state" IN ('waiting', 'delayed', 'active', 'retrying') THEN 'active'::"JobState" ELSE "state" END,
              "startedAt" = COALESCE("startedAt", ${at}),
              "lastHeartbeatAt" = ${at},
              "updatedAt" = ${at}
            WHERE "id" = ${jobId}`;
          // The API writes the record just after Temporal accepted the job: a very quick worker may be first.
          if (!updated) throw new Error(`job ${jobId} has no record yet`);
        },
      });
    },

    async attemptFailed(jobId: string, failure: AttemptFailure, scope: JobScope = {}): Promise<void> {
      // What an attempt failed with may quote anything (a URL with a token, a receiver's bytes).
      const message = recordableText(failure.message);
      const stack = failure.stack ? recordableText(failure.stack) : null;
      if (failure.willRetry) void publish({ kind: 'job.updated', jobId, ...scope, state: 'retrying', attempt: failure.attempt, at: new Date().toISOString() });
      await submit({
        jobId,
        kind: 'attempt failure',
        write: async () => {
          await db.$executeRaw`
            UPDATE "Job" SET "error" = ${message}, "errorStack" = ${stack}, "updatedAt" = now(),
              "state" = CASE WHEN ${failure.willRetry} AND "state" IN ('waiting', 'delayed', 'active', 'retrying') THEN 'retrying'::"JobState" ELSE "state" END
            WHERE "id" = ${jobId}`;
        },
      });
      await writeLog(
        jobId,
        failure.willRetry ? 'warn' : 'error',
        `attempt ${failure.attempt} of ${failure.maxAttempts} failed${failure.willRetry ? ', will retry' : ''}: ${message}`,
        failure.attempt,
        { activity: failure.activity, errorType: failure.errorType ?? 'Error' },
      );
    },

    /** Only the latest progress matters: while Postgres is away a newer report replaces a parked one. */
    async progress(jobId: string, progress: JobProgress, attempt: number, scope: JobScope = {}): Promise<void> {
      const now = new Date();
      const percent = Math.max(0, Math.min(100, progress.percent));
      void publish({ kind: 'job.updated', jobId, ...scope, progress: { ...progress, percent }, attempt, at: now.toISOString() });
      await submit({
        jobId,
        kind: 'progress',
        coalesceKey: 'progress',
        write: async () => {
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
        },
      });
    },

    // Log lines often quote what came from outside (a receiver's answer, an error): redacted and made storable.
    async log(jobId: string, level: LogLevel, given: string, attempt: number, data?: Record<string, unknown>, scope: JobScope = {}): Promise<void> {
      const at = new Date();
      const message = recordableText(given);
      void publish({ kind: 'job.log', jobId, ...scope, level, message, at: at.toISOString() });
      await writeLog(jobId, level, message, attempt, data ? (redactSecrets(toStorable(data)) as object) : undefined, at);
    },

    /** `outcome` is made storable here: a result or error text from outside may hold anything. */
    async finished(jobId: string, given: JobOutcome, at: Date, scope: JobScope = {}): Promise<void> {
      const outcome = toStorable(given);
      const data = endData(outcome);
      const write = (fields: ReturnType<typeof endData>) => async () => void (await db.job.updateMany({ where: { id: jobId }, data: { ...fields, finishedAt: at } }));
      await submit({ jobId, kind: 'finished', write: write(data), fallback: write(endData(plainOutcome(outcome))) });
      const line = endLogLine(outcome, data.error);
      await writeLog(jobId, line.level, recordableText(line.message), 0, undefined, at);
      void publish({ kind: 'job.updated', jobId, ...scope, state: outcome.state, at: at.toISOString() });
    },

    pending: () => outbox.pending(),
    flush: (timeoutMs?: number) => outbox.flush(timeoutMs),
  };
}

export type JobRecorder = ReturnType<typeof createJobRecorder>;

/** A new job's record, from the envelope its workflow received: everything the record holds at start. */
export function recordOfEnvelope(job: JobEnvelope, runId: string) {
  return {
    id: job.jobId,
    runId,
    type: job.type,
    queue: job.queue,
    priority: PRIORITY_KEYS[job.priority],
    state: 'waiting' as const,
    input: (job.input ?? {}) as object,
    requestedBy: job.requestedBy,
    idempotencyKey: job.idempotencyKey,
    maxAttempts: job.retry.maxAttempts,
    timeoutMs: job.timeoutMs,
    createdAt: new Date(job.enqueuedAt),
    runAt: job.runAt ? new Date(job.runAt) : undefined,
    scheduleId: job.scheduleId,
    retryOfId: job.retryOf,
    rateLimitKey: job.rateLimit?.key,
  };
}
