/**
 * A flow's words and colours: each node state and flow status in the colour family of the job
 * states (StateBadge's tones), so that a green node means what a green badge means.
 */

import type { StateTone } from '../StateBadge';

/** pending waits for its parents (like a waiting job); blocked waits on a failed parent's retry. */
export function nodeTone(state: string): StateTone {
  switch (state) {
    case 'pending':
      return 'waiting';
    case 'running':
      return 'active';
    case 'blocked':
      return 'delayed';
    case 'completed':
    case 'failed':
      return state;
    default:
      return 'cancelled';
  }
}

export function statusTone(status: string): 'ok' | 'warn' | 'bad' | 'idle' | 'info' {
  switch (status) {
    case 'running':
      return 'info';
    case 'waiting_for_retry':
      return 'warn';
    case 'completed':
      return 'ok';
    case 'failed':
      return 'bad';
    default:
      return 'idle';
  }
}

/**
 * Whether the status says more than the state beside it: "waiting for retry" does; "completed"
 * next to a completed flow, or "running" next to an active one, does not.
 */
export function statusAddsToState(status: string, state: string): boolean {
  if (status === 'running') return state !== 'active';
  return status !== state;
}

/** "waiting for retry", "running". */
export function statusLabel(status: string): string {
  return status.replaceAll('_', ' ');
}

/** A node's jobs as "2/3" (completed of all) for a fan-out; null for a node of one job. */
export function fanOutCount(jobs: ReadonlyArray<{ state: string }>, fanOut: boolean): string | null {
  if (!fanOut) return null;
  return `${jobs.filter((job) => job.state === 'completed').length}/${jobs.length}`;
}

/** A running node's progress: the mean of its running and finished jobs' percentages (completed = 100). */
export function nodeProgress(jobs: ReadonlyArray<{ state: string; progressPercent: number }>): number {
  if (!jobs.length) return 0;
  const sum = jobs.reduce((total, job) => total + (job.state === 'completed' ? 100 : job.progressPercent), 0);
  return sum / jobs.length;
}
