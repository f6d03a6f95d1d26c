// What a schedule is in Temporal: its spec, policies and action (the same workflow start jobs.enqueue
// makes), and the memo that carries Jobdeck's own metadata (name, cron as written, who made and changed it).
import type { ScheduleDescription, ScheduleOptionsStartWorkflowAction } from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import { findJobType, parseDuration, type JobEnvelope } from '@jobdeck/workflows';
import { DomainError } from '@jobdeck/workflows/control';
import { enqueueOptions, buildJobStart } from '../jobs/enqueue';
import type { Services } from '../services';
import type { JobOptions } from '@jobdeck/workflows/control';
import { overlapToTemporal, type ScheduleCreate } from './spec';

export const MEMO_KEY = 'jobdeck';

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

/** The action every run of the schedule starts: exactly what jobs.enqueue starts, via buildJobStart(). */
export function scheduleAction(
  scheduleId: string,
  definition: ScheduleDefinition,
  memo: ScheduleMemo,
): ScheduleOptionsStartWorkflowAction<Workflow> {
  const jobType = findJobType(definition.type);
  if (!jobType) throw new DomainError('BAD_REQUEST', `unknown job type ${definition.type}`);
  const input = jobType.input.parse(definition.input ?? {});
  const options = enqueueOptions.parse({ ...definition.options });
  // Temporal appends the time of each run: `data.sync-sched-nightly-sync-2026-11-27T03:00:00Z`.
  const workflowId = `${jobType.type}-${scheduleId}`;
  // Schedules are created by admins: their runs act with that role.
  const start = buildJobStart({
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

export function scheduleSpec(definition: ScheduleDefinition) {
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

export function policies(definition: ScheduleDefinition) {
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
  if (!template) throw new DomainError('BAD_REQUEST', `templateId: no template ${value.templateId}`);
  const type = value.type ?? template.type;
  const input = value.type !== undefined ? value.input : template.input;
  const jobType = findJobType(type);
  const parsed = jobType?.input.safeParse(input ?? {});
  if (!jobType || !parsed?.success) {
    throw new DomainError(
      'BAD_REQUEST',
      `template ${template.name} no longer fits its job type: ${parsed?.error?.issues.map((issue) => `input.${issue.path.join('.')}: ${issue.message}`).join('; ') ?? `unknown type ${type}`}`,
    );
  }
  return { type, input, options: { ...(template.options as JobOptions), ...value.options }, templateId: template.id };
}

/** What the schedule's action carries for people: its name and spec as written, and who made and changed it. */
export function scheduleMemo(
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

export function memoOf(description: Pick<ScheduleDescription, 'action'>): ScheduleMemo | undefined {
  return (description.action.memo?.[MEMO_KEY] as ScheduleMemo | undefined) ?? undefined;
}

export function createdByOf(description: Pick<ScheduleDescription, 'memo'>): string | undefined {
  return (description.memo?.[MEMO_KEY] as { createdBy?: string } | undefined)?.createdBy;
}
