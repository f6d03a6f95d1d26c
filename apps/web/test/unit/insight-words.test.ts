import { describe, expect, it } from 'vitest';
import { describeFilter } from '../../src/components/bulk/bulk-target';
import { bytes, figure, remaining } from '../../src/lib/format';
import { windowInputOf } from '../../src/pages/insight/insight-filter';
import { bucketWords, changeText } from '../../src/pages/insight/words';

describe('insight words', () => {
  it('says a time remaining as roughly as an estimate is', () => {
    expect([remaining(20_000), remaining(3 * 60_000 + 10_000), remaining(2 * 3_600_000 + 10 * 60_000)]).toEqual([
      '<1 min left',
      '~3 min left',
      '~2 h 10 min left',
    ]);
    expect(remaining(3_600_000)).toBe('~1 h left');
  });

  it('says sizes and figures', () => {
    expect([bytes(512), bytes(1536), bytes(475 * 1024 * 1024), bytes(null)]).toEqual([
      '512 B',
      '1.5 KB',
      '475 MB',
      '—',
    ]);
    expect([figure(0), figure(4), figure(0.153), figure(8.8), figure(1234.5), figure(null)]).toEqual([
      '0',
      '4',
      '0.15',
      '8.8',
      '1,235',
      '—',
    ]);
  });

  it('names buckets and changes', () => {
    expect([bucketWords(60_000), bucketWords(15 * 60_000), bucketWords(3_600_000), bucketWords(86_400_000)]).toEqual([
      'minute',
      '15 minutes',
      'hour',
      'day',
    ]);
    expect(changeText(0.123, 'relative')).toBe('+12 %');
    expect(changeText(-0.05, 'relative')).toBe('−5.0 %');
    expect(changeText(0.031, 'points')).toBe('+3.1 pp');
    expect(changeText(0, 'points')).toBe('±0.0 pp');
    expect(changeText(null, 'relative', 'unknown')).toBe('no previous data');
    expect(changeText(null, 'relative', 'declining')).toBe('from 0');
  });

  it('turns the URL filter into the insight.* input', () => {
    expect(windowInputOf({})).toEqual({ window: '24h' });
    expect(windowInputOf({ window: '7d', type: 'report.generate', schedule: 'sched-x' })).toEqual({
      window: '7d',
      type: 'report.generate',
      scheduleId: 'sched-x',
    });
    // A custom window without its range asks nothing yet.
    expect(windowInputOf({ window: 'custom' })).toBeNull();
    const from = '2026-11-01T00:00:00.000Z';
    const to = '2026-11-02T00:00:00.000Z';
    expect(windowInputOf({ window: 'custom', from, to, queue: 'webhooks' })).toEqual({
      window: 'custom',
      from,
      to,
      queue: 'webhooks',
    });
  });

  it("says what a failure group's retry acts on", () => {
    expect(
      describeFilter({
        errorGroup: '0123456789abcdef',
        type: 'webhook.deliver',
        from: '2026-11-29T17:00:00.000Z',
        to: '2026-11-29T18:00:00.000Z',
      }),
    ).toMatch(/^type webhook\.deliver, failure group 0123456789abcdef, ended .+ – .+$/);
  });
});
