import { WorkflowNotFoundError } from '@temporalio/client';
import { decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow/codec-helpers';
import type { temporal } from '@temporalio/proto';
import type { ActivityDeps } from '../../runtime/activity-deps';
import { bookkeepingActivities } from '../../runtime/bookkeeping';
import { JobTypeKey } from '../../runtime/search-attributes';
import type { ControlDeps } from '../deps';
import { DomainError } from '../errors';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type PendingActivity = temporal.api.workflow.v1.IPendingActivityInfo;
type Failure = temporal.api.failure.v1.IFailure;
type Timestamp = { seconds?: unknown; nanos?: number | null } | null | undefined;

/**
 * The shell's own activities (records, rate-limit slots, a child's preparation): not steps of the job.
 * Read from runtime/bookkeeping, as activities.ts does: importing activities.ts here would close a
 * cycle (it imports every job type, bulk.action among them, which imports job control).
 */
export const BOOKKEEPING_STEPS: ReadonlySet<string> = new Set(Object.keys(bookkeepingActivities({} as ActivityDeps)));

export type StepState = 'scheduled' | 'running' | 'retrying' | 'completed' | 'failed' | 'timed_out' | 'cancelled';

/** One activity of a job, as jobs.steps answers it. */
export interface JobStep {
  /** Its ActivityTaskScheduled event: what jobs.rerunFromStep names. */
  eventId: number;
  activityId: string;
  activity: string;
  state: StepState;
  attempt: number;
  scheduledAt: string;
  startedAt: string | null;
  closedAt: string | null;
  error: string | null;
}

/** A step with where a reset to it goes: the workflow task that scheduled it, which the reset runs again. */
export interface StepWithResetPoint extends JobStep {
  resetEventId: number;
}

function isoTime(value: Timestamp): string | null {
  if (!value?.seconds) return null;
  return new Date(Number(value.seconds) * 1000 + Math.floor((value.nanos ?? 0) / 1e6)).toISOString();
}

const PENDING_STARTED = 2; // PendingActivityState.STARTED
const PENDING_CANCEL_REQUESTED = 3;

/** Where a step stands while its activity is still pending, from describe's pending activity info. */
function pendingState(info: PendingActivity | undefined): StepState {
  if (!info) return 'scheduled';
  if (info.state === PENDING_STARTED || info.state === PENDING_CANCEL_REQUESTED) return 'running';
  return (info.attempt ?? 1) > 1 ? 'retrying' : 'scheduled';
}

/**
 * A job's steps from its history, oldest first: one per ActivityTaskScheduled event, closed by the
 * event that names it as scheduledEventId. Temporal writes ActivityTaskStarted only when an attempt
 * ends, so a pending activity's attempt, start and last failure come from describe (`pending`).
 * `closed`: the workflow has ended, so a step that never closed was abandoned with it (cancelled).
 * Pure: the unit tests feed it recorded histories.
 */
export function stepsFromHistory(
  events: readonly HistoryEvent[],
  pending: readonly PendingActivity[] = [],
  closed = false,
  /** A failure's message; readJobHistory's decrypts them (the payload codec encodes failure messages). */
  messageOf: (failure: Failure) => string = innermostMessage,
): StepWithResetPoint[] {
  const steps = new Map<number, StepWithResetPoint>();
  const pendingById = new Map(pending.map((info) => [info.activityId ?? '', info]));
  const stepOf = (scheduledEventId: unknown) => steps.get(Number(scheduledEventId ?? 0));
  for (const event of events) {
    const at = isoTime(event.eventTime);
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const activity = scheduled.activityType?.name ?? '';
      if (BOOKKEEPING_STEPS.has(activity)) continue;
      const info = pendingById.get(scheduled.activityId ?? '');
      steps.set(Number(event.eventId), {
        eventId: Number(event.eventId),
        resetEventId: Number(scheduled.workflowTaskCompletedEventId ?? 0),
        activityId: scheduled.activityId ?? '',
        activity,
        state: closed ? 'cancelled' : pendingState(info),
        attempt: info?.attempt ?? 1,
        scheduledAt: at ?? new Date(0).toISOString(),
        startedAt: isoTime(info?.lastStartedTime),
        closedAt: null,
        error: closed || !info?.lastFailure ? null : messageOf(info.lastFailure),
      });
      continue;
    }
    const started = event.activityTaskStartedEventAttributes;
    if (started) {
      const step = stepOf(started.scheduledEventId);
      if (step) {
        step.attempt = Math.max(step.attempt, started.attempt ?? 1);
        step.startedAt = at;
      }
      continue;
    }
    const ended =
      (event.activityTaskCompletedEventAttributes && {
        state: 'completed' as const,
        attributes: event.activityTaskCompletedEventAttributes,
      }) ||
      (event.activityTaskFailedEventAttributes && {
        state: 'failed' as const,
        attributes: event.activityTaskFailedEventAttributes,
      }) ||
      (event.activityTaskTimedOutEventAttributes && {
        state: 'timed_out' as const,
        attributes: event.activityTaskTimedOutEventAttributes,
      }) ||
      (event.activityTaskCanceledEventAttributes && {
        state: 'cancelled' as const,
        attributes: event.activityTaskCanceledEventAttributes,
      });
    if (!ended) continue;
    const step = stepOf(ended.attributes.scheduledEventId);
    if (!step) continue;
    step.state = ended.state;
    step.closedAt = at;
    const failure = 'failure' in ended.attributes ? ended.attributes.failure : undefined;
    step.error = failure ? messageOf(failure) : ended.state === 'cancelled' ? 'cancelled' : null;
  }
  return [...steps.values()];
}

/** The first message down a failure's causes (a timeout's own message may be empty; its cause says more). */
export function innermostMessage(failure: Failure): string {
  let current = failure;
  while (current.cause && !current.message) current = current.cause;
  return current.message || 'failed';
}

/** What jobs.steps shows: the step without where a reset would go. */
export function publicStep({ resetEventId: _reset, ...step }: StepWithResetPoint): JobStep {
  return step;
}

export interface JobHistory {
  runId: string;
  /** The job type, from its JobType search attribute (the workflow type when a workflow has none). */
  type: string;
  /** Temporal's status name: RUNNING, COMPLETED, FAILED, … */
  status: string;
  steps: StepWithResetPoint[];
  pending: PendingActivity[];
  /** The shell's own activities by their ActivityTaskScheduled event id: named when asked to rerun from one. */
  bookkeeping: Map<number, string>;
}

/** Why no step has this event id, as the 412 says it. */
export function stepRefusal(history: JobHistory, id: string, eventId: number): string {
  const bookkeeping = history.bookkeeping.get(eventId);
  if (bookkeeping)
    return `event ${eventId} of job ${id} schedules ${bookkeeping}, the job shell's bookkeeping, not a step of the job`;
  return `job ${id} has no step scheduled by event ${eventId} in its current run (see jobs.steps)`;
}

/** The job's current run, its status and steps; 404 when Temporal does not know it. */
export async function readJobHistory(deps: ControlDeps, id: string): Promise<JobHistory> {
  let description;
  try {
    description = await deps.temporal.workflow.getHandle(id).describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError)
      throw new DomainError('NOT_FOUND', `Temporal holds no history of job ${id} (unknown, deleted or past retention)`);
    throw new DomainError('SERVICE_UNAVAILABLE', `Temporal did not answer: ${(error as Error).message}`);
  }
  const history = await deps.temporal.workflow.getHandle(id, description.runId).fetchHistory();
  const pending = description.raw.pendingActivities ?? [];
  const messages = await failureMessages(deps, [
    ...(history.events ?? []).map(
      (event) => event.activityTaskFailedEventAttributes?.failure ?? event.activityTaskTimedOutEventAttributes?.failure,
    ),
    ...pending.map((info) => info.lastFailure),
  ]);
  const running = description.status.name === 'RUNNING';
  const bookkeeping = new Map<number, string>();
  for (const event of history.events ?? []) {
    const name = event.activityTaskScheduledEventAttributes?.activityType?.name;
    if (name && BOOKKEEPING_STEPS.has(name)) bookkeeping.set(Number(event.eventId), name);
  }
  return {
    runId: description.runId,
    type: description.typedSearchAttributes.get(JobTypeKey) ?? description.type,
    status: description.status.name,
    steps: stepsFromHistory(
      history.events ?? [],
      pending,
      !running,
      (failure) => messages.get(failure) ?? innermostMessage(failure),
    ),
    pending,
    bookkeeping,
  };
}

/**
 * Failure messages as written: the payload codec encrypts them in Temporal (the raw proto says
 * "Encoded failure"), so each is read back through the client's data converter.
 */
async function failureMessages(
  deps: ControlDeps,
  failures: ReadonlyArray<Failure | null | undefined>,
): Promise<Map<Failure, string>> {
  const messages = new Map<Failure, string>();
  for (const failure of failures) {
    if (!failure) continue;
    try {
      let error = await decodeOptionalFailureToOptionalError(deps.temporal.options.loadedDataConverter, failure);
      while (error && !error.message && error.cause instanceof Error) error = error.cause;
      if (error?.message) messages.set(failure, error.message);
    } catch {
      // Written with a key no longer configured: said so rather than failing the whole list.
      messages.set(failure, `${failure.message ?? 'failure'} (not decryptable with the configured keys)`);
    }
  }
  return messages;
}
