import { describe, expect, it } from 'vitest';
import { relativeTime } from '../../src/lib/format';

describe('relativeTime', () => {
  const now = Date.parse('2026-11-29T12:00:00.000Z');
  const at = (ms: number) => new Date(now + ms).toISOString();

  it('says how long ago, and how long until, a time near now', () => {
    expect([
      relativeTime(at(-2_000), now),
      relativeTime(at(-30_000), now),
      relativeTime(at(-3 * 60_000), now),
      relativeTime(at(90_000), now),
    ]).toEqual(['just now', '30 sec. ago', '3 min. ago', 'in 2 min.']);
  });

  it('never puts what has happened in the future, whatever the clocks say', () => {
    // A heartbeat stamped by a server whose clock runs 7 s ahead of the browser's.
    expect(relativeTime(at(7_000), now)).toBe('in 7 sec.');
    expect(relativeTime(at(7_000), now, { past: true })).toBe('just now');
    expect(relativeTime(at(-45_000), now, { past: true })).toBe('45 sec. ago');
  });

  it('says nothing for a missing or unreadable time', () => {
    expect([relativeTime(null, now), relativeTime('yesterday', now)]).toEqual(['—', '—']);
  });
});
