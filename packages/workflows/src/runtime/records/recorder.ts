import type { Db, Sql } from '@jobdeck/db';
import type { JobEnvelope } from '../envelope';
import { endLifecycle, type EventBus, type JobProgress } from '../events';
import { redactSecrets } from '../redact';
import { recordableText, toStorable } from '../storable';
import { createRecordOutbox, type RecordOp } from './outbox';
import { endData, endLogLine } from './outcome';
import {
  endUpdate,
  insertLog,
  INSERT_JOB,
  jobRow,
  LIVE_STATES_SQL,
  recordOfEnvelope,
  timestamp,
  type EndFields,
  type LogLevel,
} from './statements';
import { plainOutcome, type JobOutcome } from './sinks';

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
 *
 * The writes of every job (start, attempts, progress, logs, end) are plain SQL on `sql`: Prisma's
 * client costs several times their CPU. The rare ones (an alert, a start whose idempotency key is
 * taken) stay on `db`.
 */
export function createJobRecorder({
  db,
  sql,
  events,
  log = console.warn,
}: {
  db: Db;
  sql: Sql;
  events: EventBus;
  log?: (message: string) => void;
}) {
  const dropped = new Map<string, number>();
  const outbox = createRecordOutbox({
    // The pool the writes use answers: that is what a parked write waits for.
    probe: async () => void (await sql.query('SELECT 1')),
    log: (message) => log(`job records: ${message}`),
    onDropped: (jobId) => dropped.set(jobId, (dropped.get(jobId) ?? 0) + 1),
    onGiveUp: (op, reason) =>
      void raiseAlert(op.jobId, `the job's record could not be written (${op.kind}): ${reason}`),
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

  function writeLog(
    jobId: string,
    level: LogLevel,
    message: string,
    attempt: number | null = 0,
    data?: object,
    at = new Date(),
  ): Promise<void> {
    return submit({
      jobId,
      kind: 'log',
      droppable: true,
      write: async () => {
        const lost = dropped.get(jobId);
        if (lost) {
          dropped.delete(jobId);
          // As the column defaults would have it: attempt 1, written now.
          await insertLog(
            sql,
            jobId,
            'warn',
            `${lost} log line(s) were dropped while Postgres was away`,
            1,
            undefined,
            new Date(),
          );
        }
        await insertLog(sql, jobId, level, message, attempt, data, at);
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
          const { rowCount } = await sql.query(INSERT_JOB, jobRow(data, new Date()));
          // Written here, not by the API (a Schedule's run, a start around the API): this is its `added` moment.
          if (rowCount)
            void publish({
              kind: 'job.updated',
              jobId: job.jobId,
              type: job.type,
              queue: job.queue,
              state: data.state,
              lifecycle: 'added',
              at: new Date().toISOString(),
            });
          if (
            rowCount ||
            !data.idempotencyKey ||
            (await db.job.findUnique({ where: { id: job.jobId }, select: { id: true } }))
          )
            return;
          // Its idempotency key belongs to another job (a start made around the API): recorded without it, and said so.
          await db.job.create({ data: { ...data, idempotencyKey: undefined } });
          void raiseAlert(
            job.jobId,
            `started around the API with idempotency key "${recordableText(job.idempotencyKey ?? '')}", which another job already holds: recorded without the key`,
          );
        },
      });
      void publish({
        kind: 'job.updated',
        jobId: job.jobId,
        type: job.type,
        queue: job.queue,
        at: new Date().toISOString(),
      });
    },

    /** When a worker really starts an attempt: the job turns active (a paused queue's jobs never get here). */
    async attemptStarted(jobId: string, attempt: number, scope: JobScope = {}, at = new Date()): Promise<void> {
      void publish({ kind: 'job.updated', jobId, ...scope, state: 'active', attempt, at: at.toISOString() });
      await submit({
        jobId,
        kind: 'attempt',
        write: async () => {
          const { rowCount } = await sql.query(
            `UPDATE "Job" SET
              "attempts" = GREATEST("attempts", $2::integer),
              "state" = CASE WHEN "state" IN (${LIVE_STATES_SQL}) THEN 'active'::"JobState" ELSE "state" END,
              "startedAt" = COALESCE("startedAt", $3::timestamp(3)),
              -- A retry's start ends its wait: the time since the last attempt failed is time spent waiting on retries.
              "retryWaitMs" = "retryWaitMs" + CASE WHEN "lastFailedAt" IS NULL THEN 0
                ELSE LEAST(2147483647 - "retryWaitMs", GREATEST(0, floor(extract(epoch FROM $3::timestamp(3) - "lastFailedAt") * 1000)))::integer END,
              "lastFailedAt" = NULL,
              "lastHeartbeatAt" = $3::timestamp(3),
              "updatedAt" = $3::timestamp(3)
            WHERE "id" = $1`,
            [jobId, attempt, timestamp(at)],
          );
          // The API writes the record just after Temporal accepted the job: a very quick worker may be first.
          if (!rowCount) throw new Error(`job ${jobId} has no record yet`);
        },
      });
    },

    async attemptFailed(jobId: string, failure: AttemptFailure, scope: JobScope = {}): Promise<void> {
      // What an attempt failed with may quote anything (a URL with a token, a receiver's bytes).
      const message = recordableText(failure.message);
      const stack = failure.stack ? recordableText(failure.stack) : null;
      const failedAt = new Date();
      if (failure.willRetry)
        void publish({
          kind: 'job.updated',
          jobId,
          ...scope,
          state: 'retrying',
          attempt: failure.attempt,
          at: new Date().toISOString(),
        });
      await submit({
        jobId,
        kind: 'attempt failure',
        write: async () => {
          await sql.query(
            `UPDATE "Job" SET "error" = $2::text, "errorStack" = $3::text, "updatedAt" = $5::timestamp(3),
              "errorType" = $6::text,
              "lastFailedAt" = CASE WHEN $4::boolean THEN $5::timestamp(3) ELSE NULL END,
              "state" = CASE WHEN $4::boolean AND "state" IN (${LIVE_STATES_SQL}) THEN 'retrying'::"JobState" ELSE "state" END
            WHERE "id" = $1`,
            [jobId, message, stack, failure.willRetry, timestamp(failedAt), failure.errorType ?? 'Error'],
          );
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
      void publish({
        kind: 'job.updated',
        jobId,
        ...scope,
        progress: { ...progress, percent },
        attempt,
        at: now.toISOString(),
      });
      await submit({
        jobId,
        kind: 'progress',
        coalesceKey: 'progress',
        write: async () => {
          // What a report leaves out (NULL here) keeps its recorded value.
          await sql.query(
            `UPDATE "Job" SET
              "progressPercent" = $2::double precision,
              "progressStep" = COALESCE($3::text, "progressStep"),
              "stepsDone" = COALESCE($4::integer, "stepsDone"),
              "stepsTotal" = COALESCE($5::integer, "stepsTotal"),
              "progressMessage" = COALESCE($6::text, "progressMessage"),
              "lastHeartbeatAt" = $7::timestamp(3),
              "updatedAt" = $8::timestamp(3)
            WHERE "id" = $1`,
            [
              jobId,
              percent,
              progress.step ? toStorable(progress.step) : null,
              progress.stepsDone ?? null,
              progress.stepsTotal ?? null,
              progress.message ? recordableText(progress.message) : null,
              timestamp(now),
              timestamp(new Date()),
            ],
          );
        },
      });
    },

    // Log lines often quote what came from outside (a receiver's answer, an error): redacted and made storable.
    async log(
      jobId: string,
      level: LogLevel,
      given: string,
      attempt: number,
      data?: Record<string, unknown>,
      scope: JobScope = {},
    ): Promise<void> {
      const at = new Date();
      const message = recordableText(given);
      void publish({ kind: 'job.log', jobId, ...scope, level, message, at: at.toISOString() });
      await writeLog(
        jobId,
        level,
        message,
        attempt,
        data ? (redactSecrets(toStorable(data)) as object) : undefined,
        at,
      );
    },

    /** `outcome` is made storable here: a result or error text from outside may hold anything. */
    async finished(jobId: string, given: JobOutcome, at: Date, scope: JobScope = {}): Promise<void> {
      const outcome = toStorable(given);
      const data = endData(outcome);
      const write = (fields: EndFields) => async () => void (await sql.query(...endUpdate(jobId, fields, at)));
      await submit({ jobId, kind: 'finished', write: write(data), fallback: write(endData(plainOutcome(outcome))) });
      const line = endLogLine(outcome, data.error);
      await writeLog(jobId, line.level, recordableText(line.message), null, undefined, at);
      const lifecycle = endLifecycle(outcome.state);
      void publish({
        kind: 'job.updated',
        jobId,
        ...scope,
        state: outcome.state,
        ...(lifecycle ? { lifecycle } : {}),
        at: at.toISOString(),
      });
    },

    pending: () => outbox.pending(),
    flush: (timeoutMs?: number) => outbox.flush(timeoutMs),
  };
}

export type JobRecorder = ReturnType<typeof createJobRecorder>;
