import type { ScheduleDescription } from '@temporalio/client';
import { formatDuration, type JobEnvelope, type OverlapPolicy } from '@jobdeck/workflows';
import type { Services } from '../services';
import { createdByOf, memoOf } from './action';
import { cronInWords, intervalInWords } from './cron';
import type { JobOptions } from '@jobdeck/workflows/control';
import { overlapFromTemporal } from './spec';

export interface ScheduleView {
  id: string;
  name: string;
  description: string | null;
  builtIn: boolean;
  type: string | null;
  workflowType: string;
  input: unknown;
  options: JobOptions;
  templateId: string | null;
  cron: string[];
  intervals: Array<{ every: string; offset?: string }>;
  /** Each cron expression and interval, in words. */
  descriptions: string[];
  /** Structured calendars Temporal holds that no cron expression of ours explains (made outside Jobdeck). */
  otherCalendars: number;
  timezone: string;
  jitterMs: number;
  startAt: string | null;
  endAt: string | null;
  overlap: OverlapPolicy;
  catchupWindowMs: number;
  pauseOnFailure: boolean;
  paused: boolean;
  note: string | null;
  nextRuns: string[];
  recentActions: Array<{ scheduledAt: string; takenAt: string; jobId: string }>;
  runningJobIds: string[];
  actionsTaken: number;
  createdBy: string | null;
  createdAt: string;
  updatedBy: string | null;
  updatedAt: string | null;
  temporal: { uiUrl: string; describeCommand: string };
}

export function scheduleView(services: Services, description: ScheduleDescription): ScheduleView {
  const memo = memoOf(description);
  const envelope = description.action.args?.[0] as JobEnvelope | undefined;
  const cron = memo?.cron ?? [];
  const intervals =
    memo?.intervals ??
    (description.spec.intervals ?? []).map((interval) => ({
      every: formatDuration(interval.every),
      ...(interval.offset ? { offset: formatDuration(interval.offset) } : {}),
    }));
  const namespace = services.config.temporalNamespace;
  const id = description.scheduleId;
  return {
    id,
    name: memo?.name ?? id,
    description: memo?.description ?? null,
    builtIn: Boolean(memo?.builtIn),
    type: memo?.type ?? envelope?.type ?? null,
    workflowType: description.action.workflowType,
    input: envelope?.input ?? null,
    options: memo?.options ?? {},
    templateId: memo?.templateId ?? null,
    cron,
    intervals,
    descriptions: [
      ...cron.map(cronInWords),
      ...intervals.map((interval) => intervalInWords(interval.every, interval.offset)),
    ],
    otherCalendars: Math.max(0, (description.spec.calendars?.length ?? 0) - cron.length),
    timezone: description.spec.timezone ?? 'UTC',
    jitterMs: description.spec.jitter ?? 0,
    startAt: description.spec.startAt?.toISOString() ?? null,
    endAt: description.spec.endAt?.toISOString() ?? null,
    overlap: overlapFromTemporal(description.policies.overlap),
    catchupWindowMs: description.policies.catchupWindow,
    pauseOnFailure: description.policies.pauseOnFailure,
    paused: description.state.paused,
    note: description.state.note ?? null,
    nextRuns: description.info.nextActionTimes.map((time) => time.toISOString()),
    recentActions: description.info.recentActions
      .map((action) => ({
        scheduledAt: action.scheduledAt.toISOString(),
        takenAt: action.takenAt.toISOString(),
        jobId: action.action.workflow.workflowId,
      }))
      .reverse(),
    runningJobIds: description.info.runningActions.map((action) => action.workflow.workflowId),
    actionsTaken: description.info.numActionsTaken,
    createdBy: memo?.createdBy ?? createdByOf(description) ?? null,
    createdAt: memo?.createdAt ?? description.info.createdAt.toISOString(),
    updatedBy: memo?.updatedBy ?? null,
    updatedAt: memo?.updatedAt ?? description.info.lastUpdatedAt?.toISOString() ?? null,
    temporal: {
      uiUrl: `${services.config.temporalUiUrl}/namespaces/${encodeURIComponent(namespace)}/schedules/${encodeURIComponent(id)}`,
      describeCommand: `temporal schedule describe --namespace ${namespace} --schedule-id ${id}`,
    },
  };
}
