import type { LoadedDataConverter } from '@temporalio/common';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow/codec-helpers';
import type { temporal } from '@temporalio/proto';
import { JobStateKey, JobTypeKey, JobPriorityKey, RequestedByKey } from '@jobdeck/workflows';
import type { ExecutionStatus, PendingActivityView } from './state';

type Timestamp = { seconds?: { toNumber(): number } | number | null; nanos?: number | null } | null | undefined;

export function tsToIso(ts: Timestamp): string | null {
  if (!ts || ts.seconds === undefined || ts.seconds === null) return null;
  const seconds = typeof ts.seconds === 'number' ? ts.seconds : ts.seconds.toNumber();
  if (seconds === 0 && !ts.nanos) return null;
  return new Date(seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)).toISOString();
}

const STATUS_NAMES: ExecutionStatus[] = [
  'UNSPECIFIED',
  'RUNNING',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TERMINATED',
  'CONTINUED_AS_NEW',
  'TIMED_OUT',
];
export function statusName(status: number | null | undefined): ExecutionStatus {
  return STATUS_NAMES[status ?? 0] ?? 'UNSPECIFIED';
}

const ACTIVITY_STATES: PendingActivityView['state'][] = [
  'UNKNOWN',
  'SCHEDULED',
  'STARTED',
  'CANCEL_REQUESTED',
  'PAUSED',
];

/**
 * Failure messages are encrypted in Temporal (the failure converter encodes them): the raw proto only
 * says "Encoded failure", so the message is read back through the client's data converter.
 */
async function failureMessage(
  converter: LoadedDataConverter,
  failure: temporal.api.failure.v1.IFailure | null | undefined,
): Promise<string | null> {
  if (!failure) return null;
  try {
    return (await decodeOptionalFailureToOptionalError(converter, failure))?.message ?? failure.message ?? null;
  } catch {
    // Written with a key no longer configured: say so rather than fail the whole job view.
    return `${failure.message ?? 'failure'} (not decryptable with the configured keys)`;
  }
}

export async function pendingActivityView(
  raw: temporal.api.workflow.v1.IPendingActivityInfo,
  converter: LoadedDataConverter,
): Promise<PendingActivityView> {
  return {
    activityType: raw.activityType?.name ?? 'unknown',
    state: ACTIVITY_STATES[raw.state ?? 0] ?? 'UNKNOWN',
    attempt: raw.attempt ?? 1,
    maximumAttempts: raw.maximumAttempts ?? 0,
    lastFailure: await failureMessage(converter, raw.lastFailure),
    lastHeartbeatAt: tsToIso(raw.lastHeartbeatTime as Timestamp),
    lastStartedAt: tsToIso(raw.lastStartedTime as Timestamp),
    nextAttemptAt: tsToIso(raw.nextAttemptScheduleTime as Timestamp),
  };
}

/** One row of a visibility listing, reduced to what Jobdeck reads from it. */
export interface ExecutionRow {
  id: string;
  runId: string;
  status: ExecutionStatus;
  type: string;
  queue: string;
  jobState: string | null;
  priorityKey: number | null;
  requestedBy: string | null;
  startTime: string | null;
  executionTime: string | null;
  closeTime: string | null;
}

export function executionRow(raw: temporal.api.workflow.v1.IWorkflowExecutionInfo): ExecutionRow {
  const attributes = decodeTypedSearchAttributes(raw.searchAttributes?.indexedFields);
  return {
    id: raw.execution?.workflowId ?? '',
    runId: raw.execution?.runId ?? '',
    status: statusName(raw.status),
    type: attributes.get(JobTypeKey) ?? raw.type?.name ?? 'unknown',
    queue: raw.taskQueue ?? '',
    jobState: attributes.get(JobStateKey) ?? null,
    priorityKey: attributes.get(JobPriorityKey) ?? null,
    requestedBy: attributes.get(RequestedByKey) ?? null,
    startTime: tsToIso(raw.startTime as Timestamp),
    executionTime: tsToIso(raw.executionTime as Timestamp),
    closeTime: tsToIso(raw.closeTime as Timestamp),
  };
}
