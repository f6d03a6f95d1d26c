import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import { applyBulkItem, resolveBulkTargets, type BulkItemResult, type bulkRequest } from '../../control/bulk';
import type { ActivityDeps } from '../../runtime/activity-deps';
import { hasRole, type Actor } from '../../runtime/roles';
import { jobContext } from '../../runtime/job-context';

export type BulkActionInput = z.output<typeof bulkRequest>;

interface Checkpoint {
  ids: string[];
  next: number;
  counts: Record<BulkItemResult['outcome'], number>;
  results: BulkItemResult[];
}

/** Results kept in the job's result; every skip and failure is also in its logs. */
const RESULTS_KEPT = 1_000;

export function bulkActivities(deps: ActivityDeps) {
  return {
    /** `requester` comes from the job's envelope, written by the server at enqueue, never from the input. */
    async applyBulkAction(input: BulkActionInput, requester?: Actor) {
      const job = jobContext(deps);
      // Runs started by the shell before the requester was passed read it from the record, as an operator.
      const who = requester ?? {
        name:
          (await deps.db.job.findUnique({ where: { id: job.jobId }, select: { requestedBy: true } }))?.requestedBy ??
          'unknown',
        role: 'operator' as const,
      };
      const actor: Actor = { name: `${who.name} (bulk ${job.jobId})`, role: who.role };
      // jobs.bulk refuses a delete to a non-admin, but anyone who may enqueue could start this job
      // with it: each delete would be refused anyway, the whole job is refused at once and not retried.
      if (input.action === 'delete' && !hasRole(who.role, 'admin'))
        throw ApplicationFailure.nonRetryable(
          `deleting jobs requires the admin role; ${who.name} is ${who.role}`,
          'Forbidden',
        );
      const checkpoint = job.lastCheckpoint<Checkpoint>() ?? {
        ids: await resolveBulkTargets(deps, input),
        next: 0,
        counts: { done: 0, skipped: 0, failed: 0 },
        results: [],
      };
      if (checkpoint.next === 0) await job.log('info', `${input.action} on ${checkpoint.ids.length} jobs`);
      for (; checkpoint.next < checkpoint.ids.length; checkpoint.next++) {
        job.signal.throwIfAborted();
        const id = checkpoint.ids[checkpoint.next]!;
        const result = await applyBulkItem(deps, input, id, actor);
        checkpoint.counts[result.outcome]++;
        if (checkpoint.results.length < RESULTS_KEPT) checkpoint.results.push(result);
        if (result.outcome !== 'done')
          await job.log(result.outcome === 'failed' ? 'error' : 'warn', `${id}: ${result.outcome}: ${result.reason}`);
        const done = checkpoint.next + 1;
        await job.progress(
          {
            percent: (done / checkpoint.ids.length) * 100,
            step: input.action,
            stepsDone: done,
            stepsTotal: checkpoint.ids.length,
            message: `${checkpoint.counts.done} done, ${checkpoint.counts.skipped} skipped, ${checkpoint.counts.failed} failed`,
          },
          { ...checkpoint, next: done },
        );
      }
      return { action: input.action, total: checkpoint.ids.length, ...checkpoint.counts, results: checkpoint.results };
    },
  };
}
