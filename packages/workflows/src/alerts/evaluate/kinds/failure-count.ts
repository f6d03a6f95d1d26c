import { finishedInWindow, scopeFacts, scopeWords, windowStart } from './job-window';
import type { KindEvaluator } from './types';

/** The failures among the jobs that finished in the window reach `threshold`. */
export const evaluateFailureCount: KindEvaluator<'failure_count'> = async ({ deps, now }, rule) => {
  const { windowMinutes, threshold, type, queue } = rule.condition;
  const { failed } = await finishedInWindow(deps, { type, queue }, windowStart(now, windowMinutes));
  const active = failed >= threshold;
  return [
    {
      subject: '',
      active,
      message: `${scopeWords({ type, queue })}: ${failed} failed in ${windowMinutes} min, ${
        active ? 'at or above' : 'below'
      } ${threshold}`,
      facts: [
        { label: 'Failed', value: String(failed) },
        { label: 'Threshold', value: String(threshold) },
        { label: 'Window', value: `${windowMinutes} min` },
        ...scopeFacts({ type, queue }),
      ],
      ...(type && { type }),
      ...(queue && { queue }),
    },
  ];
};
