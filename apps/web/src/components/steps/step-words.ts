import type { StateTone } from '../StateBadge';

/** A step's state in the colour family of the job states (StateBadge's tones). */
export function stepTone(state: string): StateTone {
  switch (state) {
    case 'scheduled':
      return 'waiting';
    case 'running':
      return 'active';
    case 'retrying':
      return 'delayed';
    case 'completed':
      return 'completed';
    case 'failed':
    case 'timed_out':
      return 'failed';
    default:
      return 'cancelled';
  }
}

/** A pending activity waiting out its retry backoff: scheduled again after a failed attempt, not yet started. */
export function isWaitingOutBackoff(activity: { state: string; attempt: number }): boolean {
  return activity.state === 'SCHEDULED' && activity.attempt > 1;
}
