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
import { z } from 'zod';
import { keepRedactedSecrets, type JobEnvelope, type OverlapPolicy } from '@jobdeck/workflows';
import { dateTime, DomainError } from '@jobdeck/workflows/control';
import { listJobs } from '../jobs/list';
import type { Services } from '../services';
import {
  createdByOf,
  MEMO_KEY,
  memoOf,
  policies,
  resolveJob,
  scheduleAction,
  scheduleMemo,
  scheduleSpec,
  type ScheduleDefinition,
} from './action';
import { overlapToTemporal, scheduleIdFor, type ScheduleCreate } from './spec';
import { scheduleView, type ScheduleView } from './view';

/**
 * Temporal's refusals of a schedule command as domain errors: 404, 409, 400. Temporal away, and
 * anything else, is left to the one mapping of the API (trpc.ts's domainErrors): 503 and so on.
 */
export function scheduleError(error: unknown, id: string): never {
  if (error instanceof ScheduleNotFoundError || (error as { code?: number }).code === 5) {
    throw new DomainError('NOT_FOUND', `no schedule ${id}`);
  }
  if (error instanceof ScheduleAlreadyRunning || (error as { code?: number }).code === 6) {
    throw new DomainError('CONFLICT', `a schedule with id ${id} already exists; choose another name`);
  }
  if ((error as { code?: number }).code === 3) {
    throw new DomainError('BAD_REQUEST', `Temporal refused the schedule: ${(error as Error).message}`);
  }
  throw error;
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
  // Superseded runs too: this is the schedule's history, and each row says whether it was superseded.
  const runs = await listJobs(services, { scheduleId: id, includeSuperseded: true }, 20).catch(() => ({
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

export const deleteSchedule = (services: Services, id: string) =>
  scheduleCommand(services, id, (handle) => handle.delete());

export const pauseSchedule = (services: Services, id: string, actor: string, note?: string) =>
  scheduleCommand(services, id, (handle) => handle.pause(note || `paused by ${actor}`));

export const resumeSchedule = (services: Services, id: string, actor: string, note?: string) =>
  scheduleCommand(services, id, (handle) => handle.unpause(note || `resumed by ${actor}`));

/** Runs the schedule's action now, with the given overlap policy. */
export const triggerSchedule = (services: Services, id: string, overlap: OverlapPolicy) =>
  scheduleCommand(services, id, (handle) => handle.trigger(overlapToTemporal(overlap)));

/** Runs every action the spec would have taken in a past range. */
export const backfillSchedule = (services: Services, request: z.output<typeof backfillRequest>) =>
  scheduleCommand(services, request.id, (handle) =>
    handle.backfill([
      {
        start: new Date(request.start),
        end: new Date(request.end),
        overlap: request.overlap ? overlapToTemporal(request.overlap) : undefined,
      },
    ]),
  );

async function scheduleCommand(
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
