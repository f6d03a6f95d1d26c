import { describe, expect, it } from 'vitest';
import { busState, isBusHealthNotice } from '../../src/lib/bus-health';

describe('busState', () => {
  const notice = (live: boolean, receivedAt: number) => ({
    live,
    reason: live ? null : 'Redis unreachable: live events unavailable',
    everyMs: 2_000,
    receivedAt,
  });

  it('is unknown before the first notice, live or down as the last one says', () => {
    expect(busState(null, 0).state).toBe('unknown');
    expect(busState(notice(true, 1_000), 2_000)).toEqual({ state: 'live', reason: null });
    expect(busState(notice(false, 1_000), 2_000)).toEqual({
      state: 'down',
      reason: 'Redis unreachable: live events unavailable',
    });
  });

  it('says down when notices stop coming: within five seconds of the last one', () => {
    expect(busState(notice(true, 0), 4_900).state).toBe('live');
    expect(busState(notice(true, 0), 5_100).state).toBe('down');
  });

  it('recognises the notice among job events', () => {
    expect(isBusHealthNotice({ kind: 'live.health', live: true, reason: null })).toBe(true);
    expect(isBusHealthNotice({ kind: 'job.updated', jobId: 'x' })).toBe(false);
  });
});
