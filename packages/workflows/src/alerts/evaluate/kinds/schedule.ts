import { ScheduleNotFoundError, type ScheduleDescription } from '@temporalio/client';
import { mapLimited } from '../../../control/limited';
import type { ActivityDeps } from '../../../runtime/activity-deps';
import { ruleMemory } from './memory';
import { ConditionUnreadable, type KindEvaluator, type Observation } from './types';

/** An all-schedules rule looks at this many at most (Temporal's list order): a bound on one evaluation. */
const MAX_SCHEDULES = 200;
const DESCRIBES_AT_ONCE = 8;
const FINISHED = ['completed', 'failed', 'timed_out', 'terminated'] as const;
const FAILED = new Set<string>(['failed', 'timed_out', 'terminated']);
const ERROR_SHOWN = 300;

interface MissedCounts {
  missed: number;
  skipped: number;
  /** When an evaluation last saw either count grow (ms), 0 when none did. */
  grewAt: number;
}

async function scheduleIds(deps: ActivityDeps, scheduleId: string | undefined): Promise<string[]> {
  if (scheduleId) return [scheduleId];
  const ids: string[] = [];
  try {
    for await (const summary of deps.temporal.schedule.list({ pageSize: 100 })) {
      ids.push(summary.scheduleId);
      if (ids.length >= MAX_SCHEDULES) break;
    }
  } catch (error) {
    throw new ConditionUnreadable(`Temporal did not list the schedules: ${(error as Error).message}`);
  }
  return ids;
}

/** The schedule, or null when it no longer exists (an all-schedules rule just leaves it out). */
async function describe(deps: ActivityDeps, id: string, single: boolean): Promise<ScheduleDescription | null> {
  try {
    return await deps.temporal.schedule.getHandle(id).describe();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError || (error as { code?: number }).code === 5) {
      if (single) throw new ConditionUnreadable(`schedule ${id} does not exist (deleted?)`);
      return null;
    }
    throw new ConditionUnreadable(`Temporal did not describe schedule ${id}: ${(error as Error).message}`);
  }
}

/** The schedule's newest finished run (by start), from the job records: failed until a later run completes. */
function newestFinishedRun(deps: ActivityDeps, scheduleId: string) {
  return deps.db.job.findFirst({
    where: { scheduleId, state: { in: [...FINISHED] } },
    orderBy: { createdAt: 'desc' },
    select: { id: true, state: true, finishedAt: true, error: true },
  });
}

function nameOf(description: ScheduleDescription): string {
  const memo = description.action.memo as { jobdeck?: { name?: unknown } } | undefined;
  const name = memo?.jobdeck?.name;
  return typeof name === 'string' ? name : description.scheduleId;
}

/**
 * A schedule's run failed (its newest finished run failed, timed out or was terminated: active
 * until a later run completes) or a run was missed (Temporal's counts of runs skipped because the
 * previous one still ran, or missed past the catch-up window, grew since the rule's previous
 * evaluation: active for that evaluation, resolved by the next one that finds no new miss).
 * Temporal keeps only the totals, so each evaluation remembers them (ruleMemory); the first look
 * at a schedule is the baseline.
 */
export const evaluateSchedule: KindEvaluator<'schedule'> = async (ctx, rule) => {
  const { deps } = ctx;
  const { scheduleId, on } = rule.condition;
  const now = ctx.now.getTime();
  const watchFailed = on.includes('failed');
  const watchMissed = on.includes('missed');
  const ids = await scheduleIds(deps, scheduleId);
  const described = await mapLimited(ids, DESCRIBES_AT_ONCE, (id) => describe(deps, id, Boolean(scheduleId)));
  const schedules = described.filter((entry): entry is ScheduleDescription => entry !== null);

  const memory = ruleMemory(deps.alerting, rule.id);
  const remembered = watchMissed ? await memory.read() : {};
  const updates: Record<string, string> = {};
  const previousEvaluation = rule.lastEvaluatedAt?.getTime() ?? -Infinity;

  const observations = await mapLimited(schedules, DESCRIBES_AT_ONCE, async (description): Promise<Observation> => {
    const id = description.scheduleId;
    const name = nameOf(description);
    const facts = [{ label: 'Schedule', value: name === id ? id : `${name} (${id})` }];
    const problems: string[] = [];

    if (watchFailed) {
      const run = await newestFinishedRun(deps, id);
      if (run) {
        facts.push(
          { label: 'Newest finished run', value: run.id },
          { label: 'Its outcome', value: run.state },
          { label: 'Finished at', value: run.finishedAt?.toISOString() ?? 'unknown' },
        );
        if (FAILED.has(run.state)) {
          problems.push(`its newest run ${run.id} ${run.state.replace('_', ' ')}`);
          if (run.error) facts.push({ label: 'Error', value: run.error.slice(0, ERROR_SHOWN) });
        }
      } else facts.push({ label: 'Newest finished run', value: 'none yet' });
    }

    if (watchMissed) {
      const current = {
        missed: description.info.numActionsMissedCatchupWindow,
        skipped: description.info.numActionsSkippedOverlap,
      };
      const before = parseCounts(remembered[`schedule:${id}`]);
      const grew = before !== null && (current.missed > before.missed || current.skipped > before.skipped);
      const grewAt = grew ? now : (before?.grewAt ?? 0);
      updates[`schedule:${id}`] = JSON.stringify({ ...current, grewAt } satisfies MissedCounts);
      // Active from the evaluation that saw the count grow until one after it (a retried evaluation
      // that already wrote the new counts still reports the miss: its rule was not evaluated since).
      if (grewAt > 0 && grewAt > previousEvaluation) {
        const newly = before ? current.skipped - before.skipped + (current.missed - before.missed) : 0;
        problems.push(newly > 0 ? `${newly} run(s) missed or skipped since the previous look` : 'a run was missed');
      }
      facts.push(
        { label: 'Skipped (previous run still running)', value: String(current.skipped) },
        { label: 'Missed (past the catch-up window)', value: String(current.missed) },
      );
    }

    return {
      subject: id,
      active: problems.length > 0,
      message: problems.length ? `Schedule ${name}: ${problems.join('; ')}` : `Schedule ${name}: runs as planned`,
      facts,
    };
  });

  if (watchMissed) await memory.write(updates);
  return observations;
};

function parseCounts(stored: string | undefined): MissedCounts | null {
  if (!stored) return null;
  try {
    const value = JSON.parse(stored) as Partial<MissedCounts>;
    if (typeof value.missed !== 'number' || typeof value.skipped !== 'number') return null;
    return { missed: value.missed, skipped: value.skipped, grewAt: Number(value.grewAt ?? 0) };
  } catch {
    return null;
  }
}
