import { describe, expect, it } from 'vitest';
import { lastSignOfLife, stuckSeverity, waitsOnOtherJobs } from '../../src/jobs/maintenance-stuck-check/activities';

const MIN = 60_000;

describe('stuck-job severity', () => {
  it.each([
    [5 * MIN, null],
    [9.99 * MIN, null],
    [10 * MIN, 'low'],
    [29 * MIN, 'low'],
    [30 * MIN, 'medium'],
    [59 * MIN, 'medium'],
    [60 * MIN, 'high'],
    [119 * MIN, 'high'],
    [120 * MIN, 'critical'],
    [24 * 60 * MIN, 'critical'],
  ])('%d ms idle is %s', (idle, severity) => {
    expect(stuckSeverity(idle)).toBe(severity);
  });

  it('honours a higher threshold', () => {
    expect(stuckSeverity(15 * MIN, 20 * MIN)).toBeNull();
    expect(stuckSeverity(45 * MIN, 20 * MIN)).toBe('medium');
  });

  it('takes the latest sign of life', () => {
    const at = (minutes: number) => new Date(Date.UTC(2026, 10, 27, 12, minutes));
    expect(lastSignOfLife({ createdAt: at(0), startedAt: at(1), lastHeartbeatAt: at(7), updatedAt: at(5) })).toEqual(
      at(7),
    );
    expect(lastSignOfLife({ createdAt: at(0), startedAt: null, lastHeartbeatAt: null, updatedAt: at(3) })).toEqual(
      at(3),
    );
  });

  it('leaves alone a job that only waits on other jobs: a flow, or a parent with a running child', () => {
    expect(waitsOnOtherJobs({ type: 'flow.run' }, false)).toBe(true);
    expect(waitsOnOtherJobs({ type: 'webhook.broadcast' }, true)).toBe(true);
    expect(waitsOnOtherJobs({ type: 'webhook.broadcast' }, false)).toBe(false);
    expect(waitsOnOtherJobs({ type: 'data.sync' }, false)).toBe(false);
  });
});
