import type { Issue } from '../../lib/errors';
import { json } from '../../lib/format';
import type { RouterInputs, RouterOutputs } from '../../trpc';

export type ScheduleDetail = RouterOutputs['schedules']['get'];
export type ScheduleCreate = RouterInputs['schedules']['create'];

export const OVERLAPS = ['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'terminate_other', 'allow_all'] as const;
export type Overlap = (typeof OVERLAPS)[number];
export const OVERLAP_LABELS: Record<Overlap, string> = {
  skip: 'Skip (if still running)',
  buffer_one: 'Buffer one',
  buffer_all: 'Buffer all',
  cancel_other: 'Cancel the running one',
  terminate_other: 'Terminate the running one',
  allow_all: 'Allow all',
};

export type ScheduleField =
  'name' | 'type' | 'input' | 'cron' | 'intervals' | 'timezone' | 'overlap' | 'window' | 'form';
export type ScheduleErrors = Partial<Record<ScheduleField, string[]>>;

const DIRECT_FIELDS = new Set<string>(['name', 'type', 'input', 'cron', 'intervals', 'timezone', 'overlap']);
const WINDOW_FIELDS = new Set<string>(['startAt', 'endAt', 'jitterMs', 'catchupWindowMs']);

/** Where the form shows an issue the server found, by the issue's path. */
export function scheduleFieldOf(issue: Issue): ScheduleField {
  const head = issue.path[0] ?? '';
  if (DIRECT_FIELDS.has(head)) return head as ScheduleField;
  if (head === 'templateId') return 'type';
  if (WINDOW_FIELDS.has(head)) return 'window';
  return 'form';
}

export const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** The form's values, as typed. */
export interface ScheduleDraft {
  name: string;
  description: string;
  templateId: string;
  type: string;
  input: string;
  cron: string;
  intervals: string;
  timezone: string;
  overlap: Overlap;
  catchupMinutes: string;
  jitterSeconds: string;
  startAt: string;
  endAt: string;
  pauseOnFailure: boolean;
}

/** ISO → the value of a datetime-local input, in the user's zone. */
function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

export function draftOf(initial: ScheduleDetail | undefined, templateId: string): ScheduleDraft {
  return {
    name: initial?.name ?? '',
    description: initial?.description ?? '',
    templateId,
    type: initial?.type ?? 'data.sync',
    input: initial ? json(initial.input) : '',
    cron: initial ? initial.cron.join('\n') : '0 3 * * *',
    intervals: initial
      ? initial.intervals.map((interval) => interval.every + (interval.offset ? ` ${interval.offset}` : '')).join('\n')
      : '',
    timezone: initial?.timezone ?? localZone,
    overlap: initial?.overlap ?? 'skip',
    catchupMinutes: String(Math.round((initial?.catchupWindowMs ?? 600_000) / 60_000)),
    jitterSeconds: String(Math.round((initial?.jitterMs ?? 0) / 1000)),
    startAt: toLocalInput(initial?.startAt),
    endAt: toLocalInput(initial?.endAt),
    pauseOnFailure: initial?.pauseOnFailure ?? false,
  };
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

/** When the schedule fires, as the API checks it: cron lines, interval lines and the zone. */
export function specOf(draft: Pick<ScheduleDraft, 'cron' | 'intervals' | 'timezone'>) {
  return {
    cron: lines(draft.cron),
    intervals: lines(draft.intervals).map((line) => ({ every: line.split(/\s+/)[0]!, offset: line.split(/\s+/)[1] })),
    timezone: draft.timezone.trim(),
  };
}

/** What schedules.create (and update) receive. */
export function scheduleBodyOf(draft: ScheduleDraft, input: unknown): ScheduleCreate {
  const spec = specOf(draft);
  return {
    name: draft.name.trim(),
    description: draft.description.trim() || undefined,
    ...(draft.templateId ? { templateId: draft.templateId } : { type: draft.type, input }),
    cron: spec.cron,
    intervals: spec.intervals.map((interval) => (interval.offset ? interval : { every: interval.every })),
    timezone: spec.timezone,
    overlap: draft.overlap,
    catchupWindowMs: Math.round(Number(draft.catchupMinutes || '10') * 60_000),
    jitterMs: Math.round(Number(draft.jitterSeconds || '0') * 1000),
    startAt: draft.startAt ? new Date(draft.startAt).toISOString() : null,
    endAt: draft.endAt ? new Date(draft.endAt).toISOString() : null,
    pauseOnFailure: draft.pauseOnFailure,
  } as ScheduleCreate;
}
