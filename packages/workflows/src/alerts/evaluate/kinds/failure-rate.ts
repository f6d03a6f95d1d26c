import { finishedInWindow, scopeFacts, scopeWords, windowStart } from './job-window';
import type { KindEvaluator, Observation } from './types';

/**
 * The share of failures among the jobs that finished in the window reaches thresholdPercent. With
 * fewer than minVolume finished jobs the rate says too little: the rule stays as it is (a firing
 * open stays open, none opens).
 */
export const evaluateFailureRate: KindEvaluator<'failure_rate'> = async ({ deps, now }, rule) => {
  const { windowMinutes, thresholdPercent, minVolume, type, queue } = rule.condition;
  const { failed, finished } = await finishedInWindow(deps, { type, queue }, windowStart(now, windowMinutes));
  const percent = finished ? (failed / finished) * 100 : 0;
  const shown = `${Math.round(percent * 10) / 10} %`;
  const facts = [
    { label: 'Failure rate', value: shown },
    { label: 'Threshold', value: `${thresholdPercent} %` },
    { label: 'Failed', value: String(failed) },
    { label: 'Finished', value: String(finished) },
    { label: 'Minimum volume', value: String(minVolume) },
    { label: 'Window', value: `${windowMinutes} min` },
    ...scopeFacts({ type, queue }),
  ];
  const about = scopeWords({ type, queue });
  const base = { subject: '', facts, ...(type && { type }), ...(queue && { queue }) };
  if (finished < minVolume) {
    const open = await deps.db.alertFiring.findUnique({ where: { openKey: `${rule.id}:` }, select: { id: true } });
    if (!open) return [];
    const message = `${about}: only ${finished} jobs finished in ${windowMinutes} min, fewer than ${minVolume} to judge; still firing`;
    return [{ ...base, active: true, message } satisfies Observation];
  }
  const active = percent >= thresholdPercent;
  const message = `${about} failed ${failed} of ${finished} jobs (${shown}) in ${windowMinutes} min, ${
    active ? 'at or above' : 'below'
  } ${thresholdPercent} %`;
  return [{ ...base, active, message }];
};
