import type { DirectionOf } from './insight-types';
import { changeText } from './words';

const TONE = {
  improving: 'status-ok',
  declining: 'status-bad',
  stable: 'status-idle',
  unknown: 'status-idle',
} as const;

/**
 * Which way a figure moved against the previous window of the same length: the arrow is the figure's
 * movement, the colour whether that is good; the rule that decides is the hover text.
 */
export function DirectionMark({
  of,
  unit,
  rule,
  testId,
}: {
  of: DirectionOf;
  unit: 'relative' | 'points';
  rule: string;
  testId: string;
}) {
  const risen = of.change === null && of.direction !== 'unknown'; // from nothing to something
  const arrow = risen || (of.change ?? 0) > 0 ? '↑' : (of.change ?? 0) < 0 ? '↓' : '→';
  const text = changeText(of.change, unit, of.direction);
  return (
    <span
      className={`direction badge ${TONE[of.direction]}`}
      title={`${of.direction}: ${text} against the previous window. ${rule}`}
      data-testid={testId}
      data-direction={of.direction}
    >
      <span aria-hidden="true">{arrow}</span> {text}
      <span className="visually-hidden"> ({of.direction})</span>
    </span>
  );
}
