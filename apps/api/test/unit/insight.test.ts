// The pure parts of insight.*: windows and their buckets, histogram percentiles, directions, advice and
// time remaining. The numbers on data are proved in tests/integration/insight-numbers.test.ts.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bucketOfDuration, percentiles, PERCENTILE_ERROR, type Histogram } from '../../src/insight/histogram';
import { recommend, type GroupFacts, type TypeFacts } from '../../src/insight/recommendations';
import { directionOf, totalsOf } from '../../src/insight/trends';
import { bucketStarts, coveringSegments, resolveWindow, windowInput } from '../../src/insight/window';
import { estimateRemaining } from '../../src/insight/estimate';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const NOW = new Date('2026-11-29T10:07:30Z');

describe('windows', () => {
  it.each([
    ['1h', MINUTE, 'minute', 61],
    ['24h', 15 * MINUTE, 'minute', 97],
    ['7d', HOUR, 'hour', 169],
    ['30d', DAY, 'day', 31],
  ] as const)('%s is read in buckets of %d ms from the %s rollups', (preset, bucketMs, grain, buckets) => {
    const window = resolveWindow(windowInput.parse({ window: preset }), NOW);
    expect(window).toMatchObject({ bucketMs, grain });
    // Widened outwards to whole buckets: a partly covered bucket at each end.
    expect(window.from.getTime() % bucketMs).toBe(0);
    expect(window.to.getTime()).toBeGreaterThanOrEqual(NOW.getTime());
    expect(bucketStarts(window)).toHaveLength(buckets);
    expect(window.to.getTime() - window.from.getTime()).toBe(window.from.getTime() - window.previousFrom.getTime());
  });

  it('covers a window, for sums, with whole days and hours and minutes only at the edges', () => {
    const day = resolveWindow(windowInput.parse({ window: '24h' }), NOW);
    expect(coveringSegments(day).map(({ grain, from, to }) => [grain, from.toISOString(), to.toISOString()])).toEqual([
      ['hour', '2026-11-28T10:00:00.000Z', '2026-11-29T10:00:00.000Z'],
      ['minute', '2026-11-29T10:00:00.000Z', '2026-11-29T10:15:00.000Z'],
    ]);
    const week = resolveWindow(windowInput.parse({ window: '7d' }), NOW);
    expect(coveringSegments(week).map(({ grain }) => grain)).toEqual(['hour', 'day', 'hour']);
    fc.assert(
      fc.property(
        fc.constantFrom('1h', '24h', '7d', '30d'),
        fc.integer({ min: 0, max: 90 * DAY }),
        (preset, offset) => {
          const now = new Date(Date.UTC(2026, 0, 1) + offset);
          const window = resolveWindow(windowInput.parse({ window: preset }), now);
          const segments = coveringSegments(window);
          // Contiguous, from the window's start to its end, each segment whole units of its grain.
          expect(segments[0]!.from).toEqual(window.from);
          expect(segments.at(-1)!.to).toEqual(window.to);
          for (const [index, segment] of segments.entries()) {
            if (index) expect(segment.from).toEqual(segments[index - 1]!.to);
            const unit = { minute: MINUTE, hour: HOUR, day: DAY }[segment.grain];
            expect(segment.from.getTime() % unit).toBe(0);
            expect(segment.to.getTime() % unit).toBe(0);
            // Never finer than the window's own grain: what is read is still kept.
            expect(unit).toBeGreaterThanOrEqual({ minute: MINUTE, hour: HOUR, day: DAY }[window.grain]);
          }
        },
      ),
    );
  });

  it('reads an old custom range from the coarser grain its finer one is no longer kept for', () => {
    const recent = resolveWindow(
      windowInput.parse({ window: 'custom', from: '2026-11-29T08:00:00Z', to: '2026-11-29T09:00:00Z' }),
      NOW,
    );
    expect(recent).toMatchObject({ bucketMs: MINUTE, grain: 'minute' });
    const old = resolveWindow(
      windowInput.parse({ window: 'custom', from: '2026-11-01T08:00:00Z', to: '2026-11-01T09:00:00Z' }),
      NOW,
    );
    expect(old).toMatchObject({ bucketMs: HOUR, grain: 'hour' });
  });

  it.each([
    [{ window: 'custom' }, 'a custom window needs from and to'],
    [{ window: 'custom', from: '2026-11-29T08:00:00Z', to: '2026-11-29T08:00:30Z' }, 'at least a minute'],
    [{ window: 'custom', from: '2025-01-01T00:00:00Z', to: '2026-11-29T00:00:00Z' }, 'at most 400 days'],
    [{ window: '24h', from: '2026-11-29T08:00:00Z' }, 'are for window'],
    [{ window: '2h' }, 'Invalid option'],
    [{ window: '24h', type: 'Robert"); DROP' }, 'type is a job type'],
    [{ window: '24h', extra: 1 }, 'Unrecognized key'],
  ])('refuses %j', (input, message) => {
    const result = windowInput.safeParse(input);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(message);
  });
});

describe('percentiles from the histogram', () => {
  it('are within the stated error of the exact nearest-rank percentile', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 3_000_000_000 }), { minLength: 1, maxLength: 300 }), (values) => {
        const histogram: Histogram = new Map();
        for (const value of values)
          histogram.set(bucketOfDuration(value), (histogram.get(bucketOfDuration(value)) ?? 0) + 1);
        const sorted = [...values].sort((a, b) => a - b);
        const bounds = { min: sorted[0]!, max: sorted.at(-1)! };
        for (const p of [0.5, 0.95, 0.99]) {
          const exact = sorted[Math.ceil(p * sorted.length) - 1]!;
          const [estimate] = percentiles(histogram, [p], bounds);
          expect(Math.abs(estimate! - exact) / exact).toBeLessThanOrEqual(PERCENTILE_ERROR + 0.05 / exact + 1e-9);
        }
      }),
    );
  });

  it('say nothing of an empty histogram, and 0 of instant jobs', () => {
    expect(percentiles(new Map(), [0.5])).toEqual([null]);
    expect(percentiles(new Map([[bucketOfDuration(0), 3]]), [0.5, 0.99])).toEqual([0, 0]);
  });
});

describe('directions', () => {
  it('follow the written rule', () => {
    expect(directionOf(105, 100, 'relative', true)).toEqual({ direction: 'stable', change: 0.05 });
    expect(directionOf(120, 100, 'relative', true)).toEqual({ direction: 'improving', change: 0.2 });
    expect(directionOf(120, 100, 'relative', false)).toEqual({ direction: 'declining', change: 0.2 });
    expect(directionOf(0.95, 0.955, 'points', true).direction).toBe('stable');
    expect(directionOf(0.9, 0.95, 'points', true).direction).toBe('declining');
    expect(directionOf(null, 0.95, 'points', true)).toEqual({ direction: 'unknown', change: null });
    expect(directionOf(3, 0, 'relative', false)).toEqual({ direction: 'declining', change: null });
  });

  it('leave cancelled jobs out of the success rate', () => {
    const totals = totalsOf({ completed: 3, failed: 1, cancelled: 10, timedOut: 0, terminated: 0 }, HOUR);
    expect(totals).toMatchObject({ total: 14, unsuccessful: 1, successRate: 0.75, perHour: 14 });
  });
});

describe('advice', () => {
  const group = (fields: Partial<GroupFacts>): GroupFacts => ({
    fingerprint: 'f'.repeat(16),
    errorType: 'Error',
    message: 'Error: boom',
    count: 1,
    types: [{ name: 'report.generate', count: 1 }],
    ...fields,
  });
  const type = (fields: Partial<TypeFacts>): TypeFacts => ({
    type: 'report.generate',
    total: 5,
    unsuccessful: 0,
    completed: 5,
    completedRetried: 0,
    completedRetriedAttempts: 0,
    ...fields,
  });

  it('says timeouts dominate only when they do', () => {
    const timeouts = group({ errorType: 'Timeout', count: 4, types: [{ name: 'report.generate', count: 4 }] });
    expect(recommend([timeouts], [type({ unsuccessful: 6 })]).map((item) => item.id)).toEqual([
      'timeouts:report.generate',
    ]);
    expect(recommend([timeouts], [type({ unsuccessful: 9 })])).toEqual([]);
  });

  it('says a 4xx will not get better by retrying', () => {
    const [advice] = recommend([group({ message: 'HttpClientError: <id> answered <4xx> Not Found', count: 7 })], []);
    expect(advice).toMatchObject({ severity: 'warning', evidence: expect.stringContaining('7 job(s) failed') });
    expect(advice!.advice).toMatch(/retrying will not help/);
  });

  it('says retries succeed late, and a type fails often, with the numbers', () => {
    const late = recommend([], [type({ completed: 20, completedRetried: 4, completedRetriedAttempts: 16 })]);
    expect(late[0]!.evidence).toBe(
      '4 of 20 completed report.generate jobs needed retries, 4.0 attempts on average before succeeding.',
    );
    expect(recommend([], [type({ completed: 20, completedRetried: 4, completedRetriedAttempts: 8 })])).toEqual([]);
    const often = recommend(
      [group({ count: 3, types: [{ name: 'report.generate', count: 3 }] })],
      [type({ total: 10, unsuccessful: 3 })],
    );
    expect(often.map((item) => item.id)).toEqual(['failure-rate:report.generate']);
  });
});

describe('time remaining', () => {
  const now = Date.parse('2026-11-29T10:00:00Z');
  const running = (percent: number, startedSecondsAgo: number) => ({
    type: 'report.generate',
    state: 'active' as const,
    startedAt: new Date(now - startedSecondsAgo * 1000).toISOString(),
    progress: { percent },
  });

  it('goes by progress, by history, or both, and says which', () => {
    expect(estimateRemaining(running(25, 60), undefined, now)).toMatchObject({
      remainingMs: 180_000,
      basis: 'progress',
    });
    expect(estimateRemaining(running(0, 60), { medianMs: 300_000, runs: 40 }, now)).toMatchObject({
      remainingMs: 240_000,
      basis: 'history',
      detail: expect.stringContaining('median of 40 runs'),
    });
    const both = estimateRemaining(running(50, 60), { medianMs: 300_000, runs: 40 }, now)!;
    expect(both.basis).toBe('both');
    expect(both.remainingMs).toBe(0.5 * 60_000 + 0.5 * 240_000);
  });

  it('gives none with too little to go on, or for a job not running', () => {
    expect(estimateRemaining(running(1, 60), undefined, now)).toBeNull();
    expect(estimateRemaining(running(50, 1), undefined, now)).toBeNull();
    expect(estimateRemaining(running(0, 60), { medianMs: 300_000, runs: 2 }, now)).toBeNull();
    expect(estimateRemaining(running(0, 600), { medianMs: 300_000, runs: 40 }, now)).toBeNull();
    expect(estimateRemaining({ ...running(50, 60), state: 'completed' }, undefined, now)).toBeNull();
  });
});
