import type { RouterOutputs } from '../../trpc';
import type { ScheduleDraft, ScheduleErrors } from './schedule-draft';
import { ScheduleFieldErrors } from './ScheduleFieldErrors';

type SpecCheck = RouterOutputs['schedules']['validate'];
type Set = <K extends keyof ScheduleDraft>(key: K) => (value: ScheduleDraft[K]) => void;

/** Cron lines and interval lines, each said in words (or what is wrong with it) as the API reads it. */
export function ScheduleSpecFields({
  draft,
  set,
  errors,
  check,
}: {
  draft: ScheduleDraft;
  set: Set;
  errors: ScheduleErrors;
  check: SpecCheck | undefined;
}) {
  return (
    <div className="form-grid">
      <label className="field">
        <span>
          Cron expressions <span className="muted">(one a line: minute hour day month weekday)</span>
        </span>
        <textarea
          className="mono"
          rows={3}
          value={draft.cron}
          onChange={(event) => set('cron')(event.target.value)}
          spellCheck={false}
          data-testid="schedule-cron"
          aria-invalid={!!errors.cron}
        />
        {check?.cron.map((entry) => (
          <span
            key={entry.expression}
            className={`field-hint${entry.valid ? '' : ' warn'}`}
            data-testid="schedule-cron-words"
          >
            {entry.valid ? entry.description : `${entry.expression}: ${entry.error}`}
          </span>
        ))}
        <ScheduleFieldErrors errors={errors} field="cron" />
      </label>
      <label className="field">
        <span>
          Intervals <span className="muted">(one a line: every [offset], e.g. 10m or 1d 3h)</span>
        </span>
        <textarea
          className="mono"
          rows={3}
          value={draft.intervals}
          onChange={(event) => set('intervals')(event.target.value)}
          spellCheck={false}
          data-testid="schedule-intervals"
          aria-invalid={!!errors.intervals}
        />
        {check?.intervals.map((entry) => (
          <span key={entry.every + (entry.offset ?? '')} className={`field-hint${entry.valid ? '' : ' warn'}`}>
            {entry.valid ? entry.description : `${entry.every}: ${entry.error}`}
          </span>
        ))}
        <ScheduleFieldErrors errors={errors} field="intervals" />
      </label>
    </div>
  );
}

/** The rarely changed part, folded: when the schedule may fire, jitter, catch-up, pause on failure. */
export function ScheduleAdvancedFields({
  draft,
  set,
  errors,
}: {
  draft: ScheduleDraft;
  set: Set;
  errors: ScheduleErrors;
}) {
  const input = (key: 'startAt' | 'endAt' | 'jitterSeconds' | 'catchupMinutes', label: string, note: string) => (
    <label className="field">
      <span>
        {label} <span className="muted">({note})</span>
      </span>
      <input
        type={key === 'startAt' || key === 'endAt' ? 'datetime-local' : 'number'}
        min={key === 'catchupMinutes' ? 1 : key === 'jitterSeconds' ? 0 : undefined}
        value={draft[key]}
        onChange={(event) => set(key)(event.target.value)}
        data-testid={key === 'startAt' ? 'schedule-start' : key === 'endAt' ? 'schedule-end' : undefined}
      />
    </label>
  );
  return (
    <details className="schedule-advanced">
      <summary>Window, jitter, catch-up, failures</summary>
      <div className="form-grid">
        {input('startAt', 'Start at', 'optional, your time')}
        {input('endAt', 'End at', 'optional, your time')}
        {input('jitterSeconds', 'Jitter', 'seconds')}
        {input('catchupMinutes', 'Catch-up window', 'minutes')}
        <label className="field field-check">
          <input
            type="checkbox"
            checked={draft.pauseOnFailure}
            onChange={(event) => set('pauseOnFailure')(event.target.checked)}
          />
          <span>Pause the schedule when a run fails</span>
        </label>
      </div>
      <ScheduleFieldErrors errors={errors} field="window" />
    </details>
  );
}
