import { WorkflowNotFoundError, type WorkflowExecutionDescription } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow/codec-helpers';
import type { z } from 'zod';
import type { ActivityDeps } from '../../runtime/activity-deps';
import type { JobEnvelope } from '../../runtime/envelope';
import { jobContext } from '../../runtime/job-context';
import { LIVE_STATES, type FinalJobState } from '../../runtime/states';
import { recordableText, toStorable } from '../../runtime/storable';
import { redactSecrets } from '../../runtime/redact';
import { jobEndFromHistory } from './history';
import type { maintenanceReconcileInput } from './index';

export type MaintenanceReconcileInput = z.output<typeof maintenanceReconcileInput>;

export interface ReconcileResult {
  compared: number;
  ended: Partial<Record<FinalJobState, number>>;
  created: number;
  deletedInTemporal: number;
  /** Everything that started or closed before this instant was compared: where the next run begins. */
  checkedUntil: string;
}

const LIVE = [...LIVE_STATES];
const MARGIN_MS = 2 * 60_000;
/** How long a deleted job's tombstone is kept: far longer than Temporal takes to finish a delete. */
export const DELETED_JOB_MEMORY_MS = 24 * 60 * 60_000;

/**
 * Temporal is the truth about how a job ended; the shell records every end it sees itself, and this
 * job records the rest: a terminated or timed-out workflow writes nothing, a worker killed between a
 * workflow task and its record write loses the write, a deleted workflow never says so, and a reset
 * one continues under a new run.
 */
export function reconcileActivities(deps: ActivityDeps) {
  const { db, temporal } = deps;

  async function endRecord(description: WorkflowExecutionDescription): Promise<FinalJobState | null> {
    const end = await jobEndFromHistory(temporal, description);
    if (!end) return null;
    const { count } = await db.job.updateMany({
      // Only a record that still says running: the shell's own write, if it landed meanwhile, is the fuller one.
      where: { id: description.workflowId, state: { in: LIVE } },
      data: {
        state: end.state,
        finishedAt: end.finishedAt,
        error: end.error === null ? null : recordableText(end.error),
        runId: description.runId,
        ...(end.attempts ? { attempts: end.attempts } : {}),
        ...(end.startedAt ? { startedAt: end.startedAt } : {}),
        ...(end.state === 'completed'
          ? { result: redactSecrets(toStorable(end.result ?? null)) as object, progressPercent: 100 }
          : {}),
      },
    });
    if (count)
      await deps.records.log(
        description.workflowId,
        end.state === 'completed' ? 'info' : 'warn',
        `recorded from Temporal: ${end.state}${end.error ? `: ${end.error}` : ''}`,
        0,
      );
    return count ? end.state : null;
  }

  /**
   * The worker records an end a moment before Temporal closes the workflow (it writes, then completes
   * the task): the record takes Temporal's close time, so that both say the same instant. One statement per chunk.
   */
  async function alignEndTimes(closed: ReadonlyArray<readonly [string, Date | undefined]>): Promise<void> {
    const pairs = closed.filter((pair): pair is readonly [string, Date] => pair[1] instanceof Date);
    if (!pairs.length) return;
    await db.$executeRaw`
      UPDATE "Job" SET "finishedAt" = closed."closeTime" AT TIME ZONE 'UTC'
      FROM unnest(${pairs.map(([id]) => id)}::text[], ${pairs.map(([, time]) => time.toISOString())}::timestamptz[]) AS closed("id", "closeTime")
      WHERE "Job"."id" = closed."id" AND NOT ("Job"."state"::text = ANY(${[...LIVE_STATES]}::text[]))
        AND "Job"."finishedAt" IS DISTINCT FROM closed."closeTime" AT TIME ZONE 'UTC'`;
  }

  async function createRecord(id: string, description: WorkflowExecutionDescription): Promise<boolean> {
    const history = await temporal.workflow.getHandle(id, description.runId).fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const envelope = await decodeFromPayloadsAtIndex<JobEnvelope>(
      temporal.options.loadedDataConverter,
      0,
      started?.input?.payloads,
    ).catch(() => null);
    if (!envelope?.type || !envelope.retry) return false; // not a Jobdeck job
    await deps.records.started(
      { ...envelope, jobId: id, enqueuedAt: envelope.enqueuedAt ?? description.startTime.toISOString() },
      description.runId,
    );
    return true;
  }

  return {
    async reconcileRecords(input: MaintenanceReconcileInput): Promise<ReconcileResult> {
      const job = jobContext(deps);
      const now = new Date();
      const result: ReconcileResult = {
        compared: 0,
        ended: {},
        created: 0,
        deletedInTemporal: 0,
        checkedUntil: now.toISOString(),
      };
      const count = (state: FinalJobState | null) => state && (result.ended[state] = (result.ended[state] ?? 0) + 1);

      // From where the last run got to (with a margin for visibility's lag), at most the lookback.
      const previous = await db.job.findFirst({
        where: { type: 'maintenance.reconcile', state: 'completed' },
        orderBy: { finishedAt: 'desc' },
        select: { result: true },
      });
      const previousUntil = Date.parse(
        String((previous?.result as { checkedUntil?: string } | null)?.checkedUntil ?? ''),
      );
      const since = new Date(
        Math.max(
          now.getTime() - input.lookbackMinutes * 60_000,
          Number.isFinite(previousUntil) ? previousUntil - MARGIN_MS : 0,
        ),
      );

      await db.deletedJob.deleteMany({ where: { deletedAt: { lt: new Date(now.getTime() - DELETED_JOB_MEMORY_MS) } } });

      // 1. Every job Temporal started or closed since then, against its record.
      const executions = new Map<string, { status: string; closeTime: Date | undefined }>();
      const query = `JobType IS NOT NULL AND (StartTime > '${since.toISOString()}' OR CloseTime > '${since.toISOString()}')`;
      for await (const execution of temporal.workflow.list({ query, pageSize: 1000 })) {
        executions.set(execution.workflowId, { status: execution.status.name, closeTime: execution.closeTime });
        if (executions.size % 1000 === 0)
          await job.progress({ percent: 10, step: `listing Temporal: ${executions.size}` });
      }
      const ids = [...executions.keys()];
      for (let offset = 0; offset < ids.length; offset += 2_000) {
        const chunk = ids.slice(offset, offset + 2_000);
        const records = new Map(
          (await db.job.findMany({ where: { id: { in: chunk } }, select: { id: true, state: true } })).map((record) => [
            record.id,
            record.state,
          ]),
        );
        // Jobs an admin deleted, whose execution Temporal has not let go of yet: not to be recorded again.
        const deleted = new Map(
          (await db.deletedJob.findMany({ where: { id: { in: chunk } }, select: { id: true, runId: true } })).map(
            (tombstone) => [tombstone.id, tombstone.runId],
          ),
        );
        for (const id of chunk) {
          result.compared += 1;
          const state = records.get(id);
          const closed = executions.get(id)!.status !== 'RUNNING';
          if (state && !(closed && LIVE.includes(state as (typeof LIVE)[number]))) continue;
          job.signal.throwIfAborted();
          const description = await temporal.workflow
            .getHandle(id)
            .describe()
            .catch(() => null);
          if (!description) continue;
          const tombstone = deleted.get(id);
          if (!state && tombstone !== undefined && (tombstone === null || tombstone === description.runId)) continue;
          if (!state && (await createRecord(id, description))) result.created += 1;
          if (description.status.name !== 'RUNNING') count(await endRecord(description));
        }
        await alignEndTimes(chunk.map((id) => [id, executions.get(id)!.closeTime] as const));
        await job.progress({
          percent: 10 + Math.round((70 * (offset + chunk.length)) / Math.max(1, ids.length)),
          step: 'comparing with records',
        });
      }

      // 2. A sample of records that still say running, the longest unexamined first: their workflow may be gone.
      const sample = await db.job.findMany({
        where: {
          state: { in: LIVE },
          createdAt: { lt: new Date(now.getTime() - 60_000) },
          id: { notIn: ids.slice(0, 10_000) },
        },
        orderBy: [{ reconciledAt: { sort: 'asc', nulls: 'first' } }],
        select: { id: true, runId: true },
        take: input.liveSample,
      });
      for (const record of sample) {
        job.signal.throwIfAborted();
        result.compared += 1;
        try {
          const description = await temporal.workflow.getHandle(record.id).describe();
          if (description.status.name !== 'RUNNING') count(await endRecord(description));
          // A reset continues the job under a new run: the record follows it.
          else if (description.runId !== record.runId)
            await db.job.updateMany({ where: { id: record.id }, data: { runId: description.runId } });
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundError)) throw error;
          const { count: gone } = await db.job.updateMany({
            where: { id: record.id, state: { in: LIVE } },
            data: {
              state: 'terminated',
              finishedAt: now,
              error: 'its workflow no longer exists in Temporal (deleted, or past the namespace retention)',
            },
          });
          if (gone) result.deletedInTemporal += 1;
        }
      }
      // Raw, so that updatedAt (the stuck check's sign of life) stays the job's own.
      if (sample.length)
        await db.$executeRaw`UPDATE "Job" SET "reconciledAt" = ${now} WHERE "id" = ANY(${sample.map((record) => record.id)})`;
      await job.progress({ percent: 100, step: 'done' });
      return result;
    },
  };
}
