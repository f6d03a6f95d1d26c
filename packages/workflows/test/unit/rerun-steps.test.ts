import type { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { rerunRefusal } from '../../src/control/rerun/rerun-from-step';
import { retryPolicyUpdate } from '../../src/control/rerun/retry-activity-now';
import { BOOKKEEPING_STEPS, publicStep, stepsFromHistory } from '../../src/control/rerun/steps';

type Event = temporal.api.history.v1.IHistoryEvent;
// Protobuf's int64 fields are Long in the types; plain numbers at run time, as protobufjs accepts them.
const time = (second: number) => ({ eventTime: { seconds: (1_796_000_000 + second) as never, nanos: 0 } });
const t = (second: number) => new Date((1_796_000_000 + second) * 1000).toISOString();

// A report.generate run as Temporal writes it (only the events that matter here, with their ids):
// workflow task 2-4 schedules collect (5), task 8-10 schedules write (11), task 14-16 schedules deliver (17),
// which fails. ActivityTaskStarted is written when the attempt ends, with its attempt number.
function reportHistory(): Event[] {
  const scheduled = (eventId: number, activityId: string, name: string, wft: number, second: number): Event => ({
    eventId: eventId as never,
    ...time(second),
    activityTaskScheduledEventAttributes: {
      activityId,
      activityType: { name },
      workflowTaskCompletedEventId: wft as never,
    },
  });
  return [
    { eventId: 1 as never, ...time(0), workflowExecutionStartedEventAttributes: {} },
    { eventId: 4 as never, ...time(1), workflowTaskCompletedEventAttributes: {} },
    scheduled(5, '1', 'collectReportRows', 4, 1),
    {
      eventId: 6 as never,
      ...time(2),
      activityTaskStartedEventAttributes: { scheduledEventId: 5 as never, attempt: 1 },
    },
    { eventId: 7 as never, ...time(3), activityTaskCompletedEventAttributes: { scheduledEventId: 5 as never } },
    { eventId: 10 as never, ...time(4), workflowTaskCompletedEventAttributes: {} },
    scheduled(11, '2', 'writeReportFile', 10, 4),
    {
      eventId: 12 as never,
      ...time(5),
      activityTaskStartedEventAttributes: { scheduledEventId: 11 as never, attempt: 2 },
    },
    { eventId: 13 as never, ...time(6), activityTaskCompletedEventAttributes: { scheduledEventId: 11 as never } },
    { eventId: 16 as never, ...time(7), workflowTaskCompletedEventAttributes: {} },
    scheduled(17, '3', 'deliverReport', 16, 7),
    {
      eventId: 18 as never,
      ...time(8),
      activityTaskStartedEventAttributes: { scheduledEventId: 17 as never, attempt: 1 },
    },
    {
      eventId: 19 as never,
      ...time(9),
      activityTaskFailedEventAttributes: {
        scheduledEventId: 17 as never,
        failure: { message: '127.0.0.1:1 answered 500 Internal Server Error' },
      },
    },
  ];
}

describe('a job’s steps from its history', () => {
  it('lists each activity with its state, attempts, times and error, oldest first', () => {
    const steps = stepsFromHistory(reportHistory(), [], true).map(publicStep);
    expect(steps).toEqual([
      {
        eventId: 5,
        activityId: '1',
        activity: 'collectReportRows',
        state: 'completed',
        attempt: 1,
        scheduledAt: t(1),
        startedAt: t(2),
        closedAt: t(3),
        error: null,
      },
      expect.objectContaining({ eventId: 11, activity: 'writeReportFile', state: 'completed', attempt: 2 }),
      expect.objectContaining({
        eventId: 17,
        activity: 'deliverReport',
        state: 'failed',
        closedAt: t(9),
        error: '127.0.0.1:1 answered 500 Internal Server Error',
      }),
    ]);
  });

  it('resets to the workflow task that scheduled the step, so the steps before it are kept', () => {
    const steps = stepsFromHistory(reportHistory(), [], true);
    expect(steps.map((step) => [step.activity, step.resetEventId])).toEqual([
      ['collectReportRows', 4],
      ['writeReportFile', 10],
      ['deliverReport', 16],
    ]);
    // Every event before the reset point stays: the earlier steps' completions are in it.
    const deliver = steps.find((step) => step.activity === 'deliverReport')!;
    const kept = reportHistory().filter((event) => Number(event.eventId) < deliver.resetEventId);
    expect(kept.filter((event) => event.activityTaskCompletedEventAttributes)).toHaveLength(2);
  });

  it('leaves out the shell’s bookkeeping activities', () => {
    const bookkeeping = [...BOOKKEEPING_STEPS][0]!;
    expect(BOOKKEEPING_STEPS.has('recordJobStarted')).toBe(true);
    // The first step's scheduling replaced by a bookkeeping activity's: its start and end are left out with it.
    const [started, completed, , ...rest] = reportHistory();
    const history: Event[] = [
      started!,
      completed!,
      {
        eventId: 5 as never,
        ...time(1),
        activityTaskScheduledEventAttributes: { activityId: '1', activityType: { name: bookkeeping } },
      },
      ...rest,
    ];
    expect(stepsFromHistory(history, [], true).map((step) => step.activity)).toEqual([
      'writeReportFile',
      'deliverReport',
    ]);
  });

  it('reads a pending activity’s attempt, start and last failure from describe', () => {
    const history = reportHistory().slice(0, 11);
    const waiting = { activityId: '3', state: 1, attempt: 2, lastFailure: { message: 'answered 503' } };
    expect(stepsFromHistory(history, [waiting]).at(-1)).toMatchObject({
      activity: 'deliverReport',
      state: 'retrying',
      attempt: 2,
      error: 'answered 503',
      closedAt: null,
    });
    const running = { activityId: '3', state: 2, attempt: 1, lastStartedTime: { seconds: 1_796_000_008 as never } };
    expect(stepsFromHistory(history, [running]).at(-1)).toMatchObject({ state: 'running', startedAt: t(8) });
    expect(stepsFromHistory(history, []).at(-1)).toMatchObject({ state: 'scheduled', attempt: 1 });
    // A workflow that ended with the activity pending (terminated, timed out) abandoned it.
    expect(stepsFromHistory(history, [], true).at(-1)).toMatchObject({ state: 'cancelled' });
  });

  it('tells timeouts and cancellations apart', () => {
    const history = reportHistory().slice(0, 11);
    const timedOut = stepsFromHistory([
      ...history,
      {
        eventId: 12 as never,
        ...time(8),
        activityTaskTimedOutEventAttributes: {
          scheduledEventId: 17 as never,
          failure: { message: '', cause: { message: 'activity StartToClose timeout' } },
        },
      },
    ]);
    expect(timedOut.at(-1)).toMatchObject({ state: 'timed_out', error: 'activity StartToClose timeout' });
    const cancelled = stepsFromHistory([
      ...history,
      { eventId: 12 as never, ...time(8), activityTaskCanceledEventAttributes: { scheduledEventId: 17 as never } },
    ]);
    expect(cancelled.at(-1)).toMatchObject({ state: 'cancelled', error: 'cancelled' });
  });
});

describe('who may be rerun from a step', () => {
  const job = { id: 'report.generate-1', type: 'report.generate', parentId: null };
  it('a finished job, not a running one, a flow or a flow’s node', () => {
    expect(rerunRefusal(job, 'FAILED')).toBeNull();
    expect(rerunRefusal(job, 'COMPLETED')).toBeNull();
    expect(rerunRefusal(job, 'RUNNING')).toMatch(/is running/);
    expect(rerunRefusal({ ...job, type: 'flow.run' }, 'FAILED')).toMatch(/flows\.retryNode/);
    expect(rerunRefusal({ ...job, parentId: 'flow.run-1' }, 'FAILED')).toMatch(/child of flow\.run-1/);
  });
});

describe('retry options for the pending activity', () => {
  it('changes only the fields given, with their field-mask paths', () => {
    expect(retryPolicyUpdate({ maxAttempts: 3, initialIntervalMs: 1_500 })).toEqual({
      policy: { maximumAttempts: 3, initialInterval: { seconds: 1, nanos: 500_000_000 } },
      paths: ['retry_policy.maximum_attempts', 'retry_policy.initial_interval'],
    });
    expect(retryPolicyUpdate({}).paths).toEqual([]);
  });
});
