// Jobdeck schedules are Temporal Schedules: the dashboard, the Temporal Web UI and
// `temporal schedule list` show the same thing. Who made and changed one, its name and its cron
// expressions as written live in the memo of the schedule's action (updatable), and its creator
// also in the schedule's own memo (set once).
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  type ScheduleDescription,
  type ScheduleOptionsStartWorkflowAction,
  type ScheduleUpdateOptions,
} from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { findJobType, keepRedactedSecrets, type JobEnvelope } from '@jobdeck/workflows';
import { dateTime } from '@jobdeck/workflows/control';
import type { Principal } from '../auth/tokens';
import { enqueueOptions, jobStart } from '../jobs/enqueue';
import { listJobs } from '../jobs/read';
import { isTemporalUnavailable } from '../errors';
import type { Services } from '../services';
import {
  cronInWords,
  formatDuration,
  intervalInWords,
  overlapFromTemporal,
  overlapToTemporal,
  parseDuration,
  scheduleIdFor,
  type JobOptions,
  type OverlapPolicy,
  type ScheduleCreate,
} from './spec';

const MEMO_KEY = 'jobdeck';

/** What Jobdeck keeps about a schedule beside Temporal's own spec and state. */
export interface ScheduleMemo {
  name: string;
  description?: string;
  type: string;
  options: JobOptions;
  templateId?: string;
  cron: string[];
  intervals: Array<{ every: string; offset?: string }>;
  builtIn?: boolean;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

export type ScheduleDefinition = Omit<ScheduleCreate, 'paused' | 'note' | 'templateId' | 'type'> & {
  type: string;
  templateId?: string;
};

/** Temporal's refusals as the caller's errors: 404, 409, 400; Temporal away is 503. */
export function scheduleError(error: unknown, id: string): never {
  if (error instanceof TRPCError) throw error;
  if (error instanceof ScheduleNotFoundError || (error as { code?: number }).code === 5) {
    throw new TRPCError({ code: 'NOT_FOUND', message: `no schedule ${id}` });
  }
  if (error instanceof ScheduleAlreadyRunning || (error as { code?: number }).code === 6) {
    throw new TRPCError({ code: 'CONFLICT', message: `a schedule with id ${id} already exists; choose another name` });
  }
  if ((error as { code?: number }).code === 3) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: `Temporal refused the schedule: ${(error as Error).message}` });
  }
  if (isTemporalUnavailable(error))
    throw new TRPCError({
      code: 'SERVICE_UNAVAILABLE',
      message: `Temporal is unreachable: ${(error as Error).message}`,
    });
  throw error;
}

/** The action every run of the schedule starts: exactly what jobs.enqueue starts, via jobStart(). */
function scheduleAction(
  scheduleId: string,
  definition: ScheduleDefinition,
  memo: ScheduleMemo,
): ScheduleOptionsStartWorkflowAction<Workflow> {
  const jobType = findJobType(definition.type);
  if (!jobType) throw new TRPCError({ code: 'BAD_REQUEST', message: `unknown job type ${definition.type}` });
  const input = jobType.input.parse(definition.input ?? {});
  const options = enqueueOptions.parse({ ...definition.options });
  // Temporal appends the time of each run: `data.sync-sched-nightly-sync-2026-11-27T03:00:00Z`.
  const workflowId = `${jobType.type}-${scheduleId}`;
  // Schedules are created by admins: their runs act with that role.
  const start = jobStart({
    jobType,
    id: workflowId,
    input,
    options,
    requestedBy: { name: `schedule:${scheduleId}`, role: 'admin' },
    now: new Date(),
  });
  // Each run takes its job id and enqueue time from Temporal (runJob), not from this template of an envelope.
  const { enqueuedAt: _enqueuedAt, ...rest } = start.envelope;
  const envelope = { ...rest, scheduleId } as JobEnvelope;
  const { taskQueue, workflowExecutionTimeout, typedSearchAttributes, priority } = start.workflowOptions;
  return {
    type: 'startWorkflow',
    workflowType: jobType.workflowType,
    workflowId,
    taskQueue,
    args: [envelope],
    workflowExecutionTimeout,
    typedSearchAttributes,
    memo: { [MEMO_KEY]: memo },
    // The SDK sends the action's priority though its option type does not list it yet.
    ...({ priority } as object),
  };
}

function scheduleSpec(definition: ScheduleDefinition) {
  return {
    cronExpressions: definition.cron,
    intervals: definition.intervals.map((interval) => ({
      every: parseDuration(interval.every)!,
      offset: interval.offset ? parseDuration(interval.offset)! : undefined,
    })),
    timezone: definition.timezone,
    jitter: definition.jitterMs,
    startAt: definition.startAt ? new Date(definition.startAt) : undefined,
    endAt: definition.endAt ? new Date(definition.endAt) : undefined,
  };
}

function policies(definition: ScheduleDefinition) {
  return {
    overlap: overlapToTemporal(definition.overlap),
    catchupWindow: definition.catchupWindowMs,
    pauseOnFailure: definition.pauseOnFailure,
  };
}

/** Type, input and options of a schedule: given directly, or from a template (given fields win). */
export async function resolveJob(
  services: Services,
  value: { templateId?: string; type?: string; input?: unknown; options?: JobOptions },
) {
  if (!value.templateId)
    return { type: value.type!, input: value.input, options: value.options ?? {}, templateId: undefined };
  const template = await services.db.jobTemplate.findUnique({ where: { id: value.templateId } });
  if (!template) throw new TRPCError({ code: 'BAD_REQUEST', message: `templateId: no template ${value.templateId}` });
  const type = value.type ?? template.type;
  const input = value.type !== undefined ? value.input : template.input;
  const jobType = findJobType(type);
  const parsed = jobType?.input.safeParse(input ?? {});
  if (!jobType || !parsed?.success) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: `template ${template.name} no longer fits its job type: ${parsed?.error?.issues.map((issue) => `input.${issue.path.join('.')}: ${issue.message}`).join('; ') ?? `unknown type ${type}`}`,
    });
  }
  return { type, input, options: { ...(template.options as JobOptions), ...value.options }, templateId: template.id };
}

/** What the schedule's action carries for people: its name and spec as written, and who made and changed it. */
function scheduleMemo(
  request: Pick<ScheduleCreate, 'name' | 'description' | 'cron' | 'intervals'>,
  job: Pick<ScheduleMemo, 'type' | 'options' | 'templateId'>,
  origin: Pick<ScheduleMemo, 'builtIn' | 'createdBy' | 'createdAt'>,
  actor: string,
  at: string,
): ScheduleMemo {
  return {
    name: request.name,
    description: request.description,
    type: job.type,
    options: job.options,
    templateId: job.templateId,
    cron: request.cron,
    intervals: request.intervals,
    ...origin,
    updatedBy: actor,
    updatedAt: at,
  };
}

export async function createSchedule(
  services: Services,
  actor: string,
  request: ScheduleCreate & { id?: string; builtIn?: boolean },
) {
  const job = await resolveJob(services, request);
  const id = request.id ?? scheduleIdFor(request.name);
  const now = new Date().toISOString();
  const definition: ScheduleDefinition = { ...request, ...job };
  const memo = scheduleMemo(
    request,
    job,
    { builtIn: request.builtIn || undefined, createdBy: actor, createdAt: now },
    actor,
    now,
  );
  try {
    await services.temporal.schedule.create({
      scheduleId: id,
      spec: scheduleSpec(definition),
      action: scheduleAction(id, definition, memo),
      policies: policies(definition),
      state: {
        paused: request.paused,
        note: request.note ?? (request.paused ? `created paused by ${actor}` : `created by ${actor}`),
      },
      memo: {
        [MEMO_KEY]: { name: request.name, createdBy: actor, createdAt: now, builtIn: request.builtIn || undefined },
      },
    });
  } catch (error) {
    scheduleError(error, id);
  }
  return { id };
}

export async function updateSchedule(
  services: Services,
  actor: string,
  request: Omit<ScheduleCreate, 'paused' | 'note'> & { id: string },
) {
  const job = await resolveJob(services, request);
  const definition: ScheduleDefinition = { ...request, ...job };
  const handle = services.temporal.schedule.getHandle(request.id);
  try {
    await handle.update((previous) => {
      const before = memoOf(previous);
      // The editor saw secrets redacted: a field still reading [redacted] keeps the secret the schedule holds.
      const storedInput = (previous.action.args?.[0] as JobEnvelope | undefined)?.input;
      const edited: ScheduleDefinition = { ...definition, input: keepRedactedSecrets(definition.input, storedInput) };
      const memo = scheduleMemo(
        request,
        job,
        {
          builtIn: before?.builtIn,
          createdBy: before?.createdBy ?? createdByOf(previous) ?? 'unknown',
          createdAt: before?.createdAt ?? previous.info.createdAt.toISOString(),
        },
        actor,
        new Date().toISOString(),
      );
      const update: ScheduleUpdateOptions<ScheduleOptionsStartWorkflowAction<Workflow>> = {
        spec: scheduleSpec(definition),
        action: scheduleAction(request.id, edited, memo),
        policies: policies(definition),
        state: {
          paused: previous.state.paused,
          note: previous.state.note,
          remainingActions: previous.state.remainingActions,
        },
      };
      return update;
    });
  } catch (error) {
    scheduleError(error, request.id);
  }
  return { id: request.id };
}

function memoOf(description: Pick<ScheduleDescription, 'action'>): ScheduleMemo | undefined {
  return (description.action.memo?.[MEMO_KEY] as ScheduleMemo | undefined) ?? undefined;
}

function createdByOf(description: Pick<ScheduleDescription, 'memo'>): string | undefined {
  return (description.memo?.[MEMO_KEY] as { createdBy?: string } | undefined)?.createdBy;
}

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

export async function describeSchedule(services: Services, id: string): Promise<ScheduleDescription> {
  try {
    return await services.temporal.schedule.getHandle(id).describe();
  } catch (error) {
    scheduleError(error, id);
  }
}

export async function getSchedule(services: Services, id: string) {
  const view = scheduleView(services, await describeSchedule(services, id));
  // The runs: every workflow Temporal started for this schedule, newest first, with its outcome.
  const runs = await listJobs(services, { scheduleId: id }, 20).catch(() => ({
    items: [],
    nextCursor: null,
    source: 'temporal' as const,
  }));
  return { ...view, runs: runs.items };
}

/** Every schedule in the namespace (Temporal's visibility is eventually consistent: a new one shows within a second or so). */
export async function listSchedules(services: Services): Promise<ScheduleView[]> {
  const ids: string[] = [];
  try {
    for await (const summary of services.temporal.schedule.list({ pageSize: 100 })) {
      ids.push(summary.scheduleId);
      if (ids.length >= 500) break;
    }
  } catch (error) {
    scheduleError(error, '*');
  }
  const described = await Promise.all(
    ids.map((id) =>
      services.temporal.schedule
        .getHandle(id)
        .describe()
        .catch((error: unknown) => (error instanceof ScheduleNotFoundError ? null : Promise.reject(error))),
    ),
  );
  return described
    .filter((description): description is ScheduleDescription => description !== null)
    .map((description) => scheduleView(services, description))
    .sort((a, b) => Number(b.builtIn) - Number(a.builtIn) || a.name.localeCompare(b.name));
}

export async function scheduleCommand(
  services: Services,
  id: string,
  command: (handle: ReturnType<Services['temporal']['schedule']['getHandle']>) => Promise<void>,
) {
  try {
    await command(services.temporal.schedule.getHandle(id));
  } catch (error) {
    scheduleError(error, id);
  }
  return { id, ok: true };
}

export const backfillRequest = z
  .object({
    id: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[\w.:-]+$/, 'id is a schedule id such as sched-nightly-sync'),
    start: dateTime('start'),
    end: dateTime('end'),
    overlap: z.enum(['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'terminate_other', 'allow_all']).optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    const start = Date.parse(value.start);
    const end = Date.parse(value.end);
    if (end <= start) ctx.addIssue({ code: 'custom', path: ['end'], message: 'end must be after start' });
    if (end > Date.now() + 60_000)
      ctx.addIssue({
        code: 'custom',
        path: ['end'],
        message: 'a backfill covers past times; end must not be in the future',
      });
    if (end - start > 366 * 86_400_000)
      ctx.addIssue({ code: 'custom', path: ['start'], message: 'a backfill covers at most one year' });
  });

export type Actor = Pick<Principal, 'name'>;
