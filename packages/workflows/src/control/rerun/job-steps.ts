import type { ControlDeps } from '../deps';
import { DomainError } from '../errors';
import { rerunRefusal } from './rerun-from-step';
import { publicStep, readJobHistory, type JobStep } from './steps';

export interface JobSteps {
  id: string;
  runId: string | null;
  rerunnable: boolean;
  /** Why it cannot be rerun from a step, when it cannot. */
  why: string | null;
  steps: JobStep[];
}

/** jobs.steps: the job's activity steps in its current run, and whether it can be rerun from one. */
export async function jobSteps(deps: ControlDeps, id: string): Promise<JobSteps> {
  const record = await deps.db.job.findUnique({ where: { id }, select: { id: true, type: true, parentId: true } });
  let history;
  try {
    history = await readJobHistory(deps, id);
  } catch (error) {
    // A record Temporal has let go of (past the namespace's retention): no history to show or reset.
    if (record && error instanceof DomainError && error.code === 'NOT_FOUND')
      return { id, runId: null, rerunnable: false, why: error.message, steps: [] };
    throw error;
  }
  const steps = history.steps.map(publicStep);
  const why =
    rerunRefusal(record ?? { id, type: history.type, parentId: null }, history.status) ??
    (steps.length ? null : `job ${id} has no steps in its history to rerun from`);
  return { id, runId: history.runId, rerunnable: why === null, why, steps };
}
