// insight.trends: ended jobs per bucket and outcome, the totals of the window and of the one before,
// and the direction of each figure. One grouped read of the rollups covering both windows.
import type { Services } from '../services';
import { BUCKET_SQL, rollupScope } from './rollup-rows';
import { bucketStarts, describeWindow, resolveWindow, type ResolvedWindow, type WindowInput } from './window';

const OUTCOMES = ['completed', 'failed', 'cancelled', 'timedOut', 'terminated'] as const;
type Outcome = (typeof OUTCOMES)[number];
const OUTCOME_OF_STATE: Record<string, Outcome> = {
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
  timed_out: 'timedOut',
  terminated: 'terminated',
};

export type Counts = Record<Outcome, number>;

export interface Totals extends Counts {
  total: number;
  unsuccessful: number;
  /** completed / (completed + failed + timed out + terminated); cancelled jobs are neither. */
  successRate: number | null;
  perMinute: number;
  perHour: number;
}

export type DirectionWord = 'improving' | 'stable' | 'declining' | 'unknown';
export interface Direction {
  direction: DirectionWord;
  change: number | null;
}

/** Relative changes within this are "stable"; success rates within this many percentage points. */
export const STABLE_RELATIVE = 0.1;
export const STABLE_POINTS = 0.01;

export const DIRECTION_RULE =
  'Each figure is compared with the window of the same length just before. Throughput (jobs ended per minute) ' +
  `and failures (unsuccessful jobs per minute) are stable within ±${STABLE_RELATIVE * 100} % of the previous window, ` +
  `the success rate within ±${STABLE_POINTS * 100} percentage point; more throughput, a higher success rate and fewer failures are improving. ` +
  'With no jobs in the previous window the direction is unknown.';

const emptyCounts = (): Counts => ({ completed: 0, failed: 0, cancelled: 0, timedOut: 0, terminated: 0 });

export function totalsOf(counts: Counts, spanMs: number): Totals {
  const total = OUTCOMES.reduce((sum, outcome) => sum + counts[outcome], 0);
  const unsuccessful = counts.failed + counts.timedOut + counts.terminated;
  const decided = counts.completed + unsuccessful;
  const perMinute = total / (spanMs / 60_000);
  return {
    ...counts,
    total,
    unsuccessful,
    successRate: decided ? counts.completed / decided : null,
    perMinute: round(perMinute),
    perHour: round(perMinute * 60),
  };
}

/** The direction of a figure, by DIRECTION_RULE. */
export function directionOf(
  current: number | null,
  previous: number | null,
  kind: 'relative' | 'points',
  higherIsBetter: boolean,
): Direction {
  if (current === null || previous === null) return { direction: 'unknown', change: null };
  let change: number;
  let stable: boolean;
  if (kind === 'points') {
    change = current - previous;
    stable = Math.abs(change) <= STABLE_POINTS;
  } else {
    // From nothing to something: no ratio to give, but a direction all the same.
    if (previous === 0)
      return current === 0
        ? { direction: 'stable', change: 0 }
        : { direction: higherIsBetter ? 'improving' : 'declining', change: null };
    change = (current - previous) / previous;
    stable = Math.abs(change) <= STABLE_RELATIVE;
  }
  const better = higherIsBetter ? change > 0 : change < 0;
  return { direction: stable ? 'stable' : better ? 'improving' : 'declining', change: round(change, 4) };
}

export async function insightTrends(services: Services, input: WindowInput, now = new Date()) {
  const window = resolveWindow(input, now);
  const { buckets, current, previous } = await readBuckets(services, window);
  const span = window.to.getTime() - window.from.getTime();
  const totals = totalsOf(current, span);
  const before = totalsOf(previous, span);
  const hadJobs = before.total > 0;
  return {
    window: describeWindow(window),
    buckets: bucketStarts(window).map((at) => {
      const counts = buckets.get(at.getTime()) ?? emptyCounts();
      const { total, successRate } = totalsOf(counts, window.bucketMs);
      return { at: at.toISOString(), ...counts, total, successRate };
    }),
    totals,
    previous: before,
    direction: {
      throughput: hadJobs ? directionOf(totals.perMinute, before.perMinute, 'relative', true) : unknown(),
      successRate: directionOf(totals.successRate, before.successRate, 'points', true),
      failures: hadJobs ? directionOf(totals.unsuccessful, before.unsuccessful, 'relative', false) : unknown(),
    },
    rule: DIRECTION_RULE,
  };
}

const unknown = (): Direction => ({ direction: 'unknown', change: null });

async function readBuckets(services: Services, window: ResolvedWindow) {
  const scope = rollupScope(window, window.previousFrom, window.to);
  const bucketParam = scope.params.push(window.bucketMs);
  const { rows } = await services.sql.query<{ bucket: string; outcome: string; count: number }>(
    `SELECT ${BUCKET_SQL(bucketParam)} AS "bucket", "outcome"::text AS "outcome", sum("count")::integer AS "count"
       FROM "JobRollup" WHERE ${scope.where} GROUP BY 1, 2`,
    scope.params,
  );
  const buckets = new Map<number, Counts>();
  const current = emptyCounts();
  const previous = emptyCounts();
  for (const row of rows) {
    const outcome = OUTCOME_OF_STATE[row.outcome];
    if (!outcome) continue;
    const at = Number(row.bucket);
    if (at < window.from.getTime()) {
      previous[outcome] += row.count;
      continue;
    }
    current[outcome] += row.count;
    const counts = buckets.get(at) ?? emptyCounts();
    counts[outcome] += row.count;
    buckets.set(at, counts);
  }
  return { buckets, current, previous };
}

function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
