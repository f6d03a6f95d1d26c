import { FINAL_STATES, LIVE_STATES } from '@jobdeck/workflows/vocabulary';

// One definition of the states, the server's (packages/workflows/src/runtime/states.ts), in the order a job usually passes through them.
export {
  FINAL_STATES,
  JOB_STATES,
  LIVE_STATES,
  type FinalJobState,
  type JobState,
} from '@jobdeck/workflows/vocabulary';

/** A job that ended without completing may be run again. */
export const RETRYABLE_STATES: readonly string[] = FINAL_STATES.filter((state) => state !== 'completed');

export function isLive(state: string | undefined | null): boolean {
  return !!state && (LIVE_STATES as readonly string[]).includes(state);
}

/** The five buckets of the overview, as jobs.list's `bucket` filter groups states. */
export const BUCKETS = [
  { key: 'waiting', label: 'waiting', states: ['waiting'] },
  { key: 'active', label: 'active', states: ['active'] },
  { key: 'delayed', label: 'delayed', states: ['delayed', 'retrying'] },
  { key: 'completed', label: 'completed', states: ['completed'] },
  { key: 'failed', label: 'failed', states: ['failed', 'timed_out', 'terminated'] },
] as const;

export function stateLabel(state: string): string {
  return state.replace('_', ' ');
}

/** The colour family of a state: one of the five buckets, or cancelled. */
export function toneOf(state: string): 'waiting' | 'active' | 'delayed' | 'completed' | 'failed' | 'cancelled' {
  switch (state) {
    case 'retrying':
      return 'delayed';
    case 'terminated':
    case 'timed_out':
      return 'failed';
    case 'waiting':
    case 'active':
    case 'delayed':
    case 'completed':
    case 'failed':
    case 'cancelled':
      return state;
    default:
      return 'cancelled';
  }
}
