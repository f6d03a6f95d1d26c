// Runs inside Temporal's deterministic workflow sandbox: import only @temporalio/workflow and types.
import {
  ActivityFailure,
  ApplicationFailure,
  defineQuery,
  defineSignal,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { JobEnvelope } from '../runtime/envelope';
import { JobStateKey } from '../runtime/search-attributes';
import { LIVE_STATES, type JobState } from '../runtime/states';

export interface AttemptUpdate {
  state: 'active' | 'retrying';
  attempt: number;
  activity: string;
  error?: string;
  nextRetryInMs?: number;
}

export interface JobSnapshot {
  state: JobState;
  attempt: number;
  lastFailure?: string;
}

/** Sent by the worker's activity interceptor when an attempt has been running a while, or failed and will be retried. */
export const attemptSignal = defineSignal<[AttemptUpdate]>('jobdeck.attempt');
/** `temporal workflow query --type jobdeck.state` shows the job's live state from the CLI. */
export const stateQuery = defineQuery<JobSnapshot>('jobdeck.state');

/** The live states, as a list of JobState (what `includes` takes). */
export const LIVE: readonly JobState[] = LIVE_STATES;

export function setState(state: JobState): void {
  upsertSearchAttributes([{ key: JobStateKey, value: state }]);
}

/**
 * How every shell begins a run: the job as Temporal runs it, and the handlers that keep its snapshot.
 * The job id is the workflow id as Temporal knows it: a Schedule's runs get ids Temporal derives
 * (`<schedule id>-<time>`), which no envelope written in advance can carry. An attempt signal moves a
 * live state; `upsertRepeats` says whether one repeating the state upserts it again (the first shell
 * did, and its jobs must replay the same commands).
 */
export function beginRun(
  envelope: JobEnvelope,
  upsertRepeats: boolean,
): { job: JobEnvelope; runId: string; snapshot: JobSnapshot } {
  const info = workflowInfo();
  const job: JobEnvelope = {
    ...envelope,
    jobId: info.workflowId,
    enqueuedAt: envelope.enqueuedAt ?? info.startTime.toISOString(),
  };
  const snapshot: JobSnapshot = { state: 'waiting', attempt: 1 };
  setHandler(stateQuery, () => snapshot);
  setHandler(attemptSignal, (update) => {
    snapshot.attempt = Math.max(snapshot.attempt, update.attempt);
    if (update.error) snapshot.lastFailure = update.error;
    if (LIVE.includes(snapshot.state) && (upsertRepeats || snapshot.state !== update.state)) {
      snapshot.state = update.state;
      setState(update.state);
    }
  });
  return { job, runId: info.runId, snapshot };
}

export function rootCause(error: unknown): { message: string; stack?: string; type?: string; stopped?: string } {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a failure chain of any shape, read defensively below
  let current: any = error;
  let retryState: ActivityFailure['retryState'] | undefined;
  while (current?.cause) {
    if (current instanceof ActivityFailure) retryState ??= current.retryState;
    current = current.cause;
  }
  const type = current instanceof ApplicationFailure ? (current.type ?? undefined) : undefined;
  return {
    message: String(current?.message ?? error),
    stack: typeof current?.stack === 'string' ? current.stack : undefined,
    type,
    stopped: whyNoMoreAttempts(retryState, type),
  };
}

/** Why Temporal made no further attempt, in the words the job's page and log show. */
function whyNoMoreAttempts(
  retryState: ActivityFailure['retryState'] | undefined,
  type: string | undefined,
): string | undefined {
  if (retryState === 'NON_RETRYABLE_FAILURE') return `not retried: ${type ?? 'its error'} is not retryable`;
  if (retryState === 'MAXIMUM_ATTEMPTS_REACHED') return 'every attempt failed';
  if (retryState === 'TIMEOUT') return 'its retries ran out of time';
  return undefined;
}

/** Takes a start slot of the job's rate-limit key, sleeping (durably) until a window has room. */
export async function waitForRateLimitSlot(
  takeSlot: (key: string, limit: number, intervalMs: number) => Promise<number>,
  limit: NonNullable<JobEnvelope['rateLimit']>,
  snapshot: JobSnapshot,
): Promise<void> {
  for (;;) {
    const waitMs = await takeSlot(limit.key, limit.limit, limit.intervalMs);
    if (waitMs === 0) return;
    if (snapshot.state !== 'delayed') {
      snapshot.state = 'delayed';
      setState('delayed');
    }
    await sleep(waitMs);
  }
}
