import { describe, expect, it } from 'vitest';
import {
  decideFirings,
  instantBudget,
  keepNotification,
  summaryDue,
  type OpenFiring,
} from '../../src/alerts/evaluate/decide';
import { duration, firingContent, firingUrl } from '../../src/alerts/evaluate/content';
import { describeRedis, infoNumber } from '../../src/alerts/evaluate/kinds/dependency';
import type { Observation } from '../../src/alerts/evaluate/kinds/types';

const MIN = 60_000;
const now = new Date(Date.UTC(2026, 10, 30, 12, 0));
const ago = (minutes: number) => new Date(now.getTime() - minutes * MIN);
const seen = (subject: string, active = true, instant = false): Observation => ({
  subject,
  active,
  instant,
  message: `${subject} ${active ? 'bad' : 'fine'}`,
  facts: [],
});
const firing = (subject: string, told = 1, lastNotifiedMinutesAgo: number | null = 1): OpenFiring => ({
  id: `f-${subject}`,
  subject,
  startedAt: ago(30),
  lastNotifiedAt: lastNotifiedMinutesAgo === null ? null : ago(lastNotifiedMinutesAgo),
  notifyCount: told,
});
const base = { now, repeatMinutes: null, silenced: false, instantBudget: Infinity };

describe('alert firing decisions', () => {
  it('opens a firing once when a condition starts, keeps it quietly while it lasts, resolves it once', () => {
    expect(decideFirings({ ...base, open: [], observations: [seen('q1')] })).toEqual([
      { action: 'open', observation: seen('q1'), notify: 'fired' },
    ]);
    expect(decideFirings({ ...base, open: [firing('q1')], observations: [seen('q1')] })).toMatchObject([
      { action: 'keep', notify: null },
    ]);
    expect(decideFirings({ ...base, open: [firing('q1')], observations: [seen('q1', false)] })).toMatchObject([
      { action: 'resolve', firing: { id: 'f-q1' }, notify: 'resolved' },
    ]);
    // Not observed at all is not active either.
    expect(decideFirings({ ...base, open: [firing('q1')], observations: [] })).toMatchObject([
      { action: 'resolve', notify: 'resolved' },
    ]);
    expect(decideFirings({ ...base, open: [], observations: [seen('q1', false)] })).toEqual([]);
  });

  it('treats each subject apart, and a repeated subject once', () => {
    const decisions = decideFirings({
      ...base,
      open: [firing('a'), firing('b')],
      observations: [seen('a'), seen('c'), seen('c')],
    });
    expect(decisions.map((decision) => decision.action).sort()).toEqual(['keep', 'open', 'resolve']);
  });

  it('repeats at the chosen interval while the firing lasts', () => {
    expect(keepNotification(firing('x', 1, 14), now, 15, false)).toBeNull();
    expect(keepNotification(firing('x', 1, 15), now, 15, false)).toBe('repeat');
    expect(keepNotification(firing('x', 3, 120), now, null, false)).toBeNull();
  });

  it('records but tells nothing while silenced, and tells a still-open firing when the silence ends', () => {
    const silenced = { ...base, silenced: true };
    expect(decideFirings({ ...silenced, open: [], observations: [seen('q')] })).toMatchObject([
      { action: 'open', notify: null },
    ]);
    expect(decideFirings({ ...silenced, open: [firing('q', 1, 60)], observations: [seen('q')] })).toMatchObject([
      { action: 'keep', notify: null },
    ]);
    expect(decideFirings({ ...silenced, open: [firing('q')], observations: [] })).toMatchObject([
      { action: 'resolve', notify: null },
    ]);
    // Silence over: the firing nobody was told about is told as fired, nothing lost.
    expect(decideFirings({ ...base, open: [firing('q', 0, null)], observations: [seen('q')] })).toMatchObject([
      { action: 'keep', notify: 'fired' },
    ]);
    // Started and ended within the silence: it ends quietly, there was nothing to tell.
    expect(decideFirings({ ...base, open: [firing('q', 0, null)], observations: [] })).toMatchObject([
      { action: 'resolve', notify: null },
    ]);
  });

  it('tells instant events one by one up to the hourly limit, then records them as rate-limited', () => {
    const observations = ['j1', 'j2', 'j3'].map((id) => seen(id, true, true));
    const decisions = decideFirings({ ...base, open: [], observations, instantBudget: instantBudget(5, 3) });
    expect(decisions).toMatchObject([
      { action: 'instant', notify: 'fired', rateLimited: false },
      { action: 'instant', notify: 'fired', rateLimited: false },
      { action: 'instant', notify: null, rateLimited: true },
    ]);
    expect(instantBudget(5, 9)).toBe(0);
    expect(instantBudget(undefined, 9)).toBe(Infinity);
    // Silenced: recorded, not told, and not counted for the summary either.
    expect(decideFirings({ ...base, silenced: true, open: [], observations, instantBudget: 0 })).toMatchObject([
      { notify: null, rateLimited: false },
      { notify: null, rateLimited: false },
      { notify: null, rateLimited: false },
    ]);
  });

  it('sends at most one summary an hour, and only of something', () => {
    expect(summaryDue({ untold: 0, lastSummaryAt: null, now, silenced: false })).toBe(false);
    expect(summaryDue({ untold: 4, lastSummaryAt: null, now, silenced: false })).toBe(true);
    expect(summaryDue({ untold: 4, lastSummaryAt: ago(59), now, silenced: false })).toBe(false);
    expect(summaryDue({ untold: 4, lastSummaryAt: ago(60), now, silenced: false })).toBe(true);
    expect(summaryDue({ untold: 4, lastSummaryAt: null, now, silenced: true })).toBe(false);
  });
});

describe('alert notification content', () => {
  const rule = { id: 'r1', name: 'Reports failing', kind: 'failure_rate' as const, severity: 'high' as const };
  const open = {
    id: 'f1',
    subject: '',
    message: 'report.generate failed 3 of 10 jobs (30 %) in 15 min, at or above 20 %',
    facts: [{ label: 'Failure rate', value: '30 %' }],
    startedAt: ago(75),
    resolvedAt: null,
  };

  it('says what happened, for how long, with a link when the dashboard has an address', () => {
    const fired = firingContent({ event: 'fired', rule, firing: open, now, dashboardUrl: 'https://jobs.example.com/' });
    expect(fired).toMatchObject({
      event: 'fired',
      title: '[high] Firing: Reports failing',
      message: open.message,
      facts: open.facts,
      url: 'https://jobs.example.com/alerts/firings/f1',
      resolvedAt: null,
    });
    const repeat = firingContent({ event: 'repeat', rule, firing: { ...open, subject: 'q' }, now, dashboardUrl: null });
    expect(repeat.title).toBe('[high] Still firing: Reports failing (q), for 1 h 15 min');
    expect(repeat.url).toBeNull();
    const resolved = firingContent({
      event: 'resolved',
      rule,
      firing: { ...open, resolvedAt: now },
      now,
      dashboardUrl: null,
    });
    expect(resolved.title).toBe('[high] Resolved: Reports failing after 1 h 15 min');
    expect(resolved.resolvedAt).toBe(now.toISOString());
  });

  it('words durations and links', () => {
    expect([duration(0), duration(59 * MIN), duration(60 * MIN), duration(26 * 60 * MIN)]).toEqual([
      '0 min',
      '59 min',
      '1 h',
      '1 d 2 h',
    ]);
    expect(firingUrl(null, 'x')).toBeNull();
  });
});

describe('dependency readings', () => {
  it('reads INFO fields and never shows a Redis password', () => {
    expect(infoNumber('# Memory\r\nused_memory:1048576\r\nmaxmemory:0\r\n', 'used_memory')).toBe(1048576);
    expect(infoNumber('used_memory:5\r\nmaxmemory:0\r\n', 'maxmemory')).toBe(0);
    expect(describeRedis('redis://:s3cret@cache.internal:6380/2')).toBe('cache.internal:6380');
    expect(describeRedis('not a url')).not.toContain('not a url');
  });
});
