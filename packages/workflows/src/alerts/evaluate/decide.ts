import type { Observation } from './kinds/types';

/**
 * The state machine of firings, as pure decisions (no I/O, so that it is tested on its own): what an
 * evaluation does with each subject given the rule's open firings and what its evaluator observed.
 * firings.ts applies the decisions in one transaction per rule.
 */

export const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** The subject of every_failure's hourly summary firing: a job id never has parentheses. */
export const SUMMARY_SUBJECT = '(summary)';

export interface OpenFiring {
  id: string;
  subject: string;
  startedAt: Date;
  lastNotifiedAt: Date | null;
  notifyCount: number;
}

export type Notify = 'fired' | 'repeat' | 'resolved' | null;

export type Decision =
  /** Active, no open firing for its subject: a firing starts. */
  | { action: 'open'; observation: Observation; notify: 'fired' | null }
  /** Active and already open: the firing lasts (facts refreshed), told again when due. */
  | { action: 'keep'; firing: OpenFiring; observation: Observation; notify: 'fired' | 'repeat' | null }
  /** Open and no longer observed active: the firing ends. */
  | { action: 'resolve'; firing: OpenFiring; notify: 'resolved' | null }
  /** An event (every_failure): opens and resolves at once; told unless silenced or past the hourly limit. */
  | { action: 'instant'; observation: Observation; notify: 'fired' | null; rateLimited: boolean };

export interface DecisionInput {
  open: OpenFiring[];
  observations: Observation[];
  now: Date;
  /** The rule's repeat interval; null: told only when a firing starts and ends. */
  repeatMinutes: number | null;
  /** silencedUntil is in the future: everything is recorded, nothing is told. */
  silenced: boolean;
  /** Instant observations that may still be told individually this hour (Infinity: no limit). */
  instantBudget: number;
}

export function decideFirings({
  open,
  observations,
  now,
  repeatMinutes,
  silenced,
  instantBudget,
}: DecisionInput): Decision[] {
  const decisions: Decision[] = [];
  const openBySubject = new Map(open.map((firing) => [firing.subject, firing]));
  const activeSubjects = new Set<string>();
  let budget = instantBudget;

  for (const observation of observations) {
    if (!observation.active) continue;
    if (observation.instant) {
      const rateLimited = !silenced && budget <= 0;
      const notify = silenced || rateLimited ? null : 'fired';
      if (notify) budget -= 1;
      decisions.push({ action: 'instant', observation, notify, rateLimited });
      continue;
    }
    // One observation per subject: an evaluator that repeats a subject is taken at its first word.
    if (activeSubjects.has(observation.subject)) continue;
    activeSubjects.add(observation.subject);
    const firing = openBySubject.get(observation.subject);
    if (!firing) {
      decisions.push({ action: 'open', observation, notify: silenced ? null : 'fired' });
      continue;
    }
    decisions.push({
      action: 'keep',
      firing,
      observation,
      notify: keepNotification(firing, now, repeatMinutes, silenced),
    });
  }

  for (const firing of open) {
    if (activeSubjects.has(firing.subject)) continue;
    // A firing nobody was told about (it started and ended within a silence) ends quietly too.
    decisions.push({ action: 'resolve', firing, notify: !silenced && firing.notifyCount > 0 ? 'resolved' : null });
  }
  return decisions;
}

/** A lasting firing: told now if the silence it started in has ended, or if its repeat is due. */
export function keepNotification(
  firing: Pick<OpenFiring, 'lastNotifiedAt' | 'notifyCount'>,
  now: Date,
  repeatMinutes: number | null,
  silenced: boolean,
): 'fired' | 'repeat' | null {
  if (silenced) return null;
  if (firing.notifyCount === 0 || !firing.lastNotifiedAt) return 'fired';
  if (repeatMinutes && now.getTime() - firing.lastNotifiedAt.getTime() >= repeatMinutes * MINUTE_MS) return 'repeat';
  return null;
}

/** every_failure: how many more failures may be told individually, given those told in the past hour. */
export function instantBudget(maxPerHour: number | undefined, toldInPastHour: number): number {
  return maxPerHour === undefined ? Infinity : Math.max(0, maxPerHour - toldInPastHour);
}

/** Past the hourly limit: one summary an hour says how many more failed, unless silenced. */
export function summaryDue({
  untold,
  lastSummaryAt,
  now,
  silenced,
}: {
  /** Failures recorded past the limit since the last summary. */
  untold: number;
  lastSummaryAt: Date | null;
  now: Date;
  silenced: boolean;
}): boolean {
  if (silenced || untold <= 0) return false;
  return !lastSummaryAt || now.getTime() - lastSummaryAt.getTime() >= HOUR_MS;
}

/** Whether a rule is silenced at `now`. */
export function isSilenced(silencedUntil: Date | null, now: Date): boolean {
  return Boolean(silencedUntil && silencedUntil.getTime() > now.getTime());
}
