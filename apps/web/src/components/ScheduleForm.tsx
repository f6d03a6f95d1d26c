import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { issuesOf, messageOf, type Issue } from '../lib/errors';
import { json } from '../lib/format';
import { trpc, type RouterInputs, type RouterOutputs } from '../trpc';

export type ScheduleDetail = RouterOutputs['schedules']['get'];
type CreateInput = RouterInputs['schedules']['create'];

const OVERLAPS = ['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'terminate_other', 'allow_all'] as const;
const OVERLAP_LABELS: Record<(typeof OVERLAPS)[number], string> = {
  skip: 'Skip (if still running)',
  buffer_one: 'Buffer one',
  buffer_all: 'Buffer all',
  cancel_other: 'Cancel the running one',
  terminate_other: 'Terminate the running one',
  allow_all: 'Allow all',
};
type Field = 'name' | 'type' | 'input' | 'cron' | 'intervals' | 'timezone' | 'overlap' | 'window' | 'form';
type Errors = Partial<Record<Field, string[]>>;

function fieldOf(issue: Issue): Field {
  const head = issue.path[0];
  if (
    head === 'name' ||
    head === 'type' ||
    head === 'input' ||
    head === 'cron' ||
    head === 'intervals' ||
    head === 'timezone' ||
    head === 'overlap'
  )
    return head;
  if (head === 'templateId') return 'type';
  if (head === 'startAt' || head === 'endAt' || head === 'jitterMs' || head === 'catchupWindowMs') return 'window';
  return 'form';
}

function FieldErrors({ errors, field }: { errors: Errors; field: Field }) {
  const list = errors[field];
  if (!list?.length) return null;
  return (
    <ul className="field-errors" data-testid={`schedule-error-${field}`}>
      {list.map((message) => (
        <li key={message}>{message}</li>
      ))}
    </ul>
  );
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
/** ISO → the value of a datetime-local input, in the user's zone. */
function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
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
  const [name, setName] = useState(initial?.name ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [templateId, setTemplateId] = useState(defaultTemplateId);
  const [type, setType] = useState(initial?.type ?? 'data.sync');
  const [input, setInput] = useState(initial ? json(initial.input) : '');
  const [cron, setCron] = useState(initial ? initial.cron.join('\n') : '0 3 * * *');
  const [intervals, setIntervals] = useState(
    initial
      ? initial.intervals.map((interval) => interval.every + (interval.offset ? ` ${interval.offset}` : '')).join('\n')
      : '',
  );
  const [timezone, setTimezone] = useState(initial?.timezone ?? localZone);
  const [overlap, setOverlap] = useState<(typeof OVERLAPS)[number]>(initial?.overlap ?? 'skip');
  const [catchupMinutes, setCatchupMinutes] = useState(
    String(Math.round((initial?.catchupWindowMs ?? 600_000) / 60_000)),
  );
  const [jitterSeconds, setJitterSeconds] = useState(String(Math.round((initial?.jitterMs ?? 0) / 1000)));
  const [startAt, setStartAt] = useState(toLocalInput(initial?.startAt));
  const [endAt, setEndAt] = useState(toLocalInput(initial?.endAt));
  const [pauseOnFailure, setPauseOnFailure] = useState(initial?.pauseOnFailure ?? false);
  const [errors, setErrors] = useState<Errors>({});

  const selected = types.data?.find((candidate) => candidate.type === type);
  useEffect(() => {
    if (!initial && selected && !templateId) setInput(json(selected.example));
  }, [selected, initial, templateId]);

  // The API checks and describes the spec as it is typed (debounced).
  const specInput = useMemo(
    () => ({
      cron: lines(cron),
      intervals: lines(intervals).map((line) => ({ every: line.split(/\s+/)[0]!, offset: line.split(/\s+/)[1] })),
      timezone: timezone.trim(),
    }),
    [cron, intervals, timezone],
  );
  const [debounced, setDebounced] = useState(specInput);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(specInput), 300);
    return () => clearTimeout(timer);
  }, [specInput]);
  const check = trpc.schedules.validate.useQuery(debounced, { placeholderData: (previous) => previous });
  const specProblems = check.data
    ? [...check.data.cron.filter((entry) => !entry.valid), ...check.data.intervals.filter((entry) => !entry.valid)]
    : [];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: Errors = {};
    let parsedInput: unknown;
    if (!templateId) {
      try {
        parsedInput = JSON.parse(input || '{}');
      } catch (error) {
        found.input = [`input: not valid JSON (${(error as Error).message})`];
      }
    }
    // Check cron and zone with the API before saving, so the form can say which line is wrong.
    const verdict = await utils.schedules.validate.fetch(specInput).catch(() => null);
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

    const body = {
      name: name.trim(),
      description: description.trim() || undefined,
      ...(templateId ? { templateId } : { type, input: parsedInput }),
      cron: specInput.cron,
      intervals: specInput.intervals.map((interval) => (interval.offset ? interval : { every: interval.every })),
      timezone: specInput.timezone,
      overlap,
      catchupWindowMs: Math.round(Number(catchupMinutes || '10') * 60_000),
      jitterMs: Math.round(Number(jitterSeconds || '0') * 1000),
      startAt: startAt ? new Date(startAt).toISOString() : null,
      endAt: endAt ? new Date(endAt).toISOString() : null,
      pauseOnFailure,
    } as CreateInput;
    const onError = (error: unknown) => {
      const next: Errors = {};
      for (const issue of issuesOf(error))
        (next[fieldOf(issue)] ??= []).push(
          issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
        );
      if (!Object.keys(next).length) next.form = [messageOf(error)];
      setErrors(next);
    };
    try {
      const saved = initial ? await update.mutateAsync({ ...body, id: initial.id }) : await create.mutateAsync(body);
      void utils.schedules.invalidate();
      onSaved(saved.id);
    } catch (error) {
      onError(error);
    }
  };

  const pending = create.isPending || update.isPending;
  return (
    <form className="schedule-form" onSubmit={submit} noValidate data-testid="schedule-form">
      <div className="form-grid">
        <label className="field">
          <span>Name</span>
          <input
            value={name}
            onChange={(event) => setName(event.target.value)}
            maxLength={100}
            required
            data-testid="schedule-name"
            aria-invalid={!!errors.name}
          />
          <FieldErrors errors={errors} field="name" />
        </label>
        {!initial && (templates.data?.length ?? 0) > 0 && (
          <label className="field">
            <span>
              From template <span className="muted">(optional)</span>
            </span>
            <select
              value={templateId}
              onChange={(event) => setTemplateId(event.target.value)}
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
        {!templateId && (
          <label className="field">
            <span>Job type</span>
            <select
              value={type}
              onChange={(event) => setType(event.target.value)}
              data-testid="schedule-type"
              aria-invalid={!!errors.type}
            >
              {types.data?.map((candidate) => (
                <option key={candidate.type} value={candidate.type}>
                  {candidate.type}
                </option>
              ))}
            </select>
            <FieldErrors errors={errors} field="type" />
          </label>
        )}
        <label className="field">
          <span>Time zone</span>
          <input
            value={timezone}
            onChange={(event) => setTimezone(event.target.value)}
            list={`${id}-zones`}
            data-testid="schedule-timezone"
            aria-invalid={!!errors.timezone || check.data?.timezone.valid === false}
          />
          <datalist id={`${id}-zones`}>
            {[
              'UTC',
              localZone,
              'Europe/London',
              'Europe/Paris',
              'America/New_York',
              'America/Los_Angeles',
              'Asia/Tokyo',
            ].map((zone) => (
              <option key={zone} value={zone} />
            ))}
          </datalist>
          {check.data?.timezone.valid === false && !errors.timezone && (
            <span className="field-hint warn">{check.data.timezone.error}</span>
          )}
          <FieldErrors errors={errors} field="timezone" />
        </label>
        <label className="field">
          <span>If the previous run is still going</span>
          <select
            value={overlap}
            onChange={(event) => setOverlap(event.target.value as (typeof OVERLAPS)[number])}
            data-testid="schedule-overlap"
          >
            {OVERLAPS.map((value) => (
              <option key={value} value={value}>
                {OVERLAP_LABELS[value]}
              </option>
            ))}
          </select>
          <FieldErrors errors={errors} field="overlap" />
        </label>
      </div>
      <label className="field">
        <span>
          Description <span className="muted">(optional)</span>
        </span>
        <input
          value={description}
          onChange={(event) => setDescription(event.target.value)}
          maxLength={1000}
          data-testid="schedule-description"
        />
      </label>
      <div className="form-grid">
        <label className="field">
          <span>
            Cron expressions <span className="muted">(one a line: minute hour day month weekday)</span>
          </span>
          <textarea
            className="mono"
            rows={3}
            value={cron}
            onChange={(event) => setCron(event.target.value)}
            spellCheck={false}
            data-testid="schedule-cron"
            aria-invalid={!!errors.cron}
          />
          {check.data?.cron.map((entry) => (
            <span
              key={entry.expression}
              className={`field-hint${entry.valid ? '' : ' warn'}`}
              data-testid="schedule-cron-words"
            >
              {entry.valid ? entry.description : `${entry.expression}: ${entry.error}`}
            </span>
          ))}
          <FieldErrors errors={errors} field="cron" />
        </label>
        <label className="field">
          <span>
            Intervals <span className="muted">(one a line: every [offset], e.g. 10m or 1d 3h)</span>
          </span>
          <textarea
            className="mono"
            rows={3}
            value={intervals}
            onChange={(event) => setIntervals(event.target.value)}
            spellCheck={false}
            data-testid="schedule-intervals"
            aria-invalid={!!errors.intervals}
          />
          {check.data?.intervals.map((entry) => (
            <span key={entry.every + (entry.offset ?? '')} className={`field-hint${entry.valid ? '' : ' warn'}`}>
              {entry.valid ? entry.description : `${entry.every}: ${entry.error}`}
            </span>
          ))}
          <FieldErrors errors={errors} field="intervals" />
        </label>
      </div>
      {!templateId && (
        <label className="field">
          <span>
            Input <span className="muted">(JSON, checked against the job type)</span>
          </span>
          <textarea
            className="mono"
            rows={Math.min(12, Math.max(4, input.split('\n').length + 1))}
            value={input}
            onChange={(event) => setInput(event.target.value)}
            spellCheck={false}
            data-testid="schedule-input"
            aria-invalid={!!errors.input}
          />
          <FieldErrors errors={errors} field="input" />
        </label>
      )}
      <details className="schedule-advanced">
        <summary>Window, jitter, catch-up, failures</summary>
        <div className="form-grid">
          <label className="field">
            <span>
              Start at <span className="muted">(optional, your time)</span>
            </span>
            <input
              type="datetime-local"
              value={startAt}
              onChange={(event) => setStartAt(event.target.value)}
              data-testid="schedule-start"
            />
          </label>
          <label className="field">
            <span>
              End at <span className="muted">(optional, your time)</span>
            </span>
            <input
              type="datetime-local"
              value={endAt}
              onChange={(event) => setEndAt(event.target.value)}
              data-testid="schedule-end"
            />
          </label>
          <label className="field">
            <span>
              Jitter <span className="muted">(seconds)</span>
            </span>
            <input
              type="number"
              min={0}
              value={jitterSeconds}
              onChange={(event) => setJitterSeconds(event.target.value)}
            />
          </label>
          <label className="field">
            <span>
              Catch-up window <span className="muted">(minutes)</span>
            </span>
            <input
              type="number"
              min={1}
              value={catchupMinutes}
              onChange={(event) => setCatchupMinutes(event.target.value)}
            />
          </label>
          <label className="field field-check">
            <input
              type="checkbox"
              checked={pauseOnFailure}
              onChange={(event) => setPauseOnFailure(event.target.checked)}
            />
            <span>Pause the schedule when a run fails</span>
          </label>
        </div>
        <FieldErrors errors={errors} field="window" />
      </details>
      {specProblems.length > 0 && <p className="muted small">Fix the highlighted lines before saving.</p>}
      <FieldErrors errors={errors} field="form" />
      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={pending || !name.trim()}
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
