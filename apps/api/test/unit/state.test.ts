import { describe, expect, it } from 'vitest';
import { bucketOf, deriveJobState, type PendingActivityView } from '../../src/jobs/state';

const activity = (overrides: Partial<PendingActivityView>): PendingActivityView => ({
  activityType: 'syncRecords',
  state: 'STARTED',
  attempt: 1,
  maximumAttempts: 3,
  lastFailure: null,
  lastHeartbeatAt: null,
  lastStartedAt: null,
  nextAttemptAt: null,
  ...overrides,
});

describe('deriveJobState', () => {
  it('reads closed executions from their status, whatever the attribute says', () => {
    expect(deriveJobState({ status: 'COMPLETED', jobStateAttribute: 'active' })).toBe('completed');
    expect(deriveJobState({ status: 'FAILED' })).toBe('failed');
    expect(deriveJobState({ status: 'CANCELLED' })).toBe('cancelled');
    expect(deriveJobState({ status: 'TERMINATED', jobStateAttribute: 'active' })).toBe('terminated');
    expect(deriveJobState({ status: 'TIMED_OUT', jobStateAttribute: 'retrying' })).toBe('timed_out');
  });

  it('is delayed while the start delay runs, waiting once it has run out', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(
      deriveJobState({
        status: 'RUNNING',
        jobStateAttribute: 'delayed',
        executionTime: new Date('2026-01-01T00:01:00Z'),
        now,
      }),
    ).toBe('delayed');
    expect(
      deriveJobState({
        status: 'RUNNING',
        jobStateAttribute: 'delayed',
        executionTime: new Date('2025-12-31T23:59:00Z'),
        now,
      }),
    ).toBe('waiting');
    const startTime = new Date('2025-12-31T23:50:00Z');
    expect(
      deriveJobState({
        status: 'RUNNING',
        jobStateAttribute: 'delayed',
        executionTime: new Date('2025-12-31T23:59:00Z'),
        startTime,
        now,
      }),
    ).toBe('waiting');
  });

  it('is delayed while it waits for a rate-limit slot, as Temporal and the stats count it', () => {
    // No start delay (execution time = start time): the workflow wrote `delayed` itself.
    const now = new Date('2026-01-01T00:00:00Z');
    const startTime = new Date('2025-12-31T23:59:30Z');
    expect(
      deriveJobState({ status: 'RUNNING', jobStateAttribute: 'delayed', executionTime: startTime, startTime, now }),
    ).toBe('delayed');
  });

  // A second attempt's activity, by its state: whatever the attribute says, it tells the job's.
  for (const { name, attribute, activityState, state } of [
    {
      name: 'is retrying when an activity waits out its backoff after a failed attempt',
      attribute: 'active',
      activityState: 'SCHEDULED',
      state: 'retrying',
    },
    {
      name: 'is active while an activity runs, even if the attribute lags',
      attribute: 'waiting',
      activityState: 'STARTED',
      state: 'active',
    },
  ] as const) {
    it(name, () => {
      expect(
        deriveJobState({
          status: 'RUNNING',
          jobStateAttribute: attribute,
          pendingActivities: [activity({ state: activityState, attempt: 2 })],
        }),
      ).toBe(state);
    });
  }

  it('trusts the attribute when nothing sharper is known', () => {
    expect(deriveJobState({ status: 'RUNNING', jobStateAttribute: 'waiting' })).toBe('waiting');
    expect(deriveJobState({ status: 'RUNNING', jobStateAttribute: 'retrying' })).toBe('retrying');
    expect(deriveJobState({ status: 'RUNNING' })).toBe('waiting');
    // The workflow wrote its final state and is recording its outcome.
    expect(deriveJobState({ status: 'RUNNING', jobStateAttribute: 'completed' })).toBe('active');
  });
});

describe('bucketOf', () => {
  it('puts retry backoff under delayed and every unsuccessful end under failed', () => {
    expect(bucketOf('retrying')).toBe('delayed');
    expect(bucketOf('timed_out')).toBe('failed');
    expect(bucketOf('terminated')).toBe('failed');
    expect(bucketOf('cancelled')).toBe('cancelled');
    expect(bucketOf('waiting')).toBe('waiting');
  });
});
