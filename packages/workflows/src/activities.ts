import type { ActivityDeps } from './runtime/activity-deps';
import type { Activity } from './runtime/define-job';
import { bookkeepingActivities } from './runtime/bookkeeping';
import { findJobType, jobTypes } from './catalog';

export const BOOKKEEPING_ACTIVITIES = new Set(Object.keys(bookkeepingActivities({} as ActivityDeps)));

/** Every activity of every registered job type, plus the bookkeeping the workflow shell runs. */
export function createActivities(given: Omit<ActivityDeps, 'catalog'>): Record<string, Activity> {
  const deps: ActivityDeps = { ...given, catalog: { find: findJobType } };
  const all: Record<string, Activity> = { ...bookkeepingActivities(deps) };
  for (const jobType of jobTypes) {
    for (const [name, fn] of Object.entries(jobType.activities(deps))) {
      // Activities share one namespace on a worker: two job types must not both define `send`.
      if (all[name]) throw new Error(`activity "${name}" of ${jobType.type} is already registered by another job type`);
      all[name] = fn;
    }
  }
  return all;
}
