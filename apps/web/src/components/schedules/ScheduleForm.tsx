import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { describeIssue } from '../../lib/errors';
import { json, parseJsonInput } from '../../lib/format';
import { trpc } from '../../trpc';
import { errorsByField } from '../FormErrors';
import { JobTypeSelect, JsonInputField } from '../JobFields';
import { FieldLabel, FormFields } from '../TextField';
import {
  draftOf,
  localZone,
  OVERLAP_LABELS,
  OVERLAPS,
  scheduleBodyOf,
  scheduleFieldOf,
  specOf,
  type Overlap,
  type ScheduleDetail,
  type ScheduleDraft,
  type ScheduleErrors,
} from './schedule-draft';
import { ScheduleFieldErrors } from './ScheduleFieldErrors';
import { ScheduleAdvancedFields, ScheduleSpecFields } from './ScheduleTimingFields';
import './ScheduleForm.css';

export type { ScheduleDetail } from './schedule-draft';

const ZONES = [
  'UTC',
  localZone,
  'Europe/London',
  'Europe/Paris',
  'America/New_York',
  'America/Los_Angeles',
  'Asia/Tokyo',
];

/** The API checks and describes the spec as it is typed (debounced). */
function useSpecCheck(draft: ScheduleDraft) {
  const { cron, intervals, timezone } = draft;
  const spec = useMemo(() => specOf({ cron, intervals, timezone }), [cron, intervals, timezone]);
  const [debounced, setDebounced] = useState(spec);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(spec), 300);
    return () => clearTimeout(timer);
  }, [spec]);
  const check = trpc.schedules.validate.useQuery(debounced, { placeholderData: (previous) => previous });
  return { spec, check: check.data };
}

/** Create or edit a schedule. Cron expressions and the zone are checked by the API as you type, and again on save. */
export function ScheduleForm({
  initial,
  defaultTemplateId = '',
  onSaved,
  onCancel,
}: {
  initial?: ScheduleDetail;
  defaultTemplateId?: string;
  onSaved: (id: string) => void;
  onCancel?: () => void;
}) {
  const id = useId();
  const utils = trpc.useUtils();
  const types = trpc.jobs.types.useQuery(undefined, { staleTime: 10 * 60_000 });
  const templates = trpc.templates.list.useQuery(undefined, { enabled: !initial });
  const create = trpc.schedules.create.useMutation();
  const update = trpc.schedules.update.useMutation();
  const [draft, setDraft] = useState(() => draftOf(initial, defaultTemplateId));
  const [errors, setErrors] = useState<ScheduleErrors>({});
  const set =
    <K extends keyof ScheduleDraft>(key: K) =>
    (value: ScheduleDraft[K]) =>
      setDraft((current) => ({ ...current, [key]: value }));
  const { spec, check } = useSpecCheck(draft);
  const specProblems = check
    ? [...check.cron.filter((entry) => !entry.valid), ...check.intervals.filter((entry) => !entry.valid)]
    : [];

  // A new schedule starts from its job type's example.
  const selected = types.data?.find((candidate) => candidate.type === draft.type);
  useEffect(() => {
    if (!initial && selected && !draft.templateId)
      setDraft((current) => ({ ...current, input: json(selected.example) }));
  }, [selected, initial, draft.templateId]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: ScheduleErrors = {};
    const parsed = draft.templateId ? { value: undefined } : parseJsonInput(draft.input || '{}');
    if (parsed.error) found.input = [parsed.error];
    // Check cron and zone with the API before saving, so the form can say which line is wrong.
    const verdict = await utils.schedules.validate.fetch(spec).catch(() => null);
    if (verdict) {
      const cronErrors = verdict.cron
        .filter((entry) => !entry.valid)
        .map((entry) => `${entry.expression}: ${entry.error}`);
      if (cronErrors.length) found.cron = cronErrors;
      const intervalErrors = verdict.intervals
        .filter((entry) => !entry.valid)
        .map((entry) => `${entry.every}: ${entry.error}`);
      if (intervalErrors.length) found.intervals = intervalErrors;
      if (!verdict.timezone.valid) found.timezone = [verdict.timezone.error ?? 'unknown time zone'];
    }
    setErrors(found);
    if (Object.keys(found).length) return;

    const body = scheduleBodyOf(draft, parsed.value);
    try {
      const saved = initial ? await update.mutateAsync({ ...body, id: initial.id }) : await create.mutateAsync(body);
      void utils.schedules.invalidate();
      onSaved(saved.id);
    } catch (error) {
      setErrors(errorsByField(error, scheduleFieldOf, describeIssue));
    }
  };

  const pending = create.isPending || update.isPending;
  return (
    <form className="schedule-form" onSubmit={submit} noValidate data-testid="schedule-form">
      <FormFields formId={id} errors={errors}>
        <div className="form-grid">
          <label className="field">
            <span>Name</span>
            <input
              value={draft.name}
              onChange={(event) => set('name')(event.target.value)}
              maxLength={100}
              required
              data-testid="schedule-name"
              aria-invalid={!!errors.name}
            />
            <ScheduleFieldErrors errors={errors} field="name" />
          </label>
          {!initial && (templates.data?.length ?? 0) > 0 && (
            <label className="field">
              <FieldLabel label="From template" hint="optional" />
              <select
                value={draft.templateId}
                onChange={(event) => set('templateId')(event.target.value)}
                data-testid="schedule-template"
              >
                <option value="">— none —</option>
                {templates.data!.map((template) => (
                  <option key={template.id} value={template.id}>
                    {template.name} ({template.type})
                  </option>
                ))}
              </select>
            </label>
          )}
          {!draft.templateId && (
            <JobTypeSelect
              types={types.data ?? []}
              value={draft.type}
              onChange={set('type')}
              testId="schedule-type"
              field="type"
            />
          )}
          <label className="field">
            <span>Time zone</span>
            <input
              value={draft.timezone}
              onChange={(event) => set('timezone')(event.target.value)}
              list={`${id}-zones`}
              data-testid="schedule-timezone"
              aria-invalid={!!errors.timezone || check?.timezone.valid === false}
            />
            <datalist id={`${id}-zones`}>
              {ZONES.map((zone) => (
                <option key={zone} value={zone} />
              ))}
            </datalist>
            {check?.timezone.valid === false && !errors.timezone && (
              <span className="field-hint warn">{check.timezone.error}</span>
            )}
            <ScheduleFieldErrors errors={errors} field="timezone" />
          </label>
          <label className="field">
            <span>If the previous run is still going</span>
            <select
              value={draft.overlap}
              onChange={(event) => set('overlap')(event.target.value as Overlap)}
              data-testid="schedule-overlap"
            >
              {OVERLAPS.map((value) => (
                <option key={value} value={value}>
                  {OVERLAP_LABELS[value]}
                </option>
              ))}
            </select>
            <ScheduleFieldErrors errors={errors} field="overlap" />
          </label>
        </div>
        <label className="field">
          <FieldLabel label="Description" hint="optional" />
          <input
            value={draft.description}
            onChange={(event) => set('description')(event.target.value)}
            maxLength={1000}
            data-testid="schedule-description"
          />
        </label>
        <ScheduleSpecFields draft={draft} set={set} errors={errors} check={check} />
        {!draft.templateId && (
          <JsonInputField
            label="Input"
            hint="JSON, checked against the job type"
            value={draft.input}
            onChange={set('input')}
            testId="schedule-input"
            field="input"
          />
        )}
      </FormFields>
      <ScheduleAdvancedFields draft={draft} set={set} errors={errors} />
      {specProblems.length > 0 && <p className="muted small">Fix the highlighted lines before saving.</p>}
      <ScheduleFieldErrors errors={errors} field="form" />
      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={pending || !draft.name.trim()}
          data-testid="schedule-save"
        >
          {pending ? 'Saving…' : initial ? 'Save changes' : 'Create schedule'}
        </button>
        {onCancel && (
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
