import type { RouterOutputs } from '../../trpc';
import type { ScheduleDraft, ScheduleErrors } from './schedule-draft';
import { FieldLabel } from '../TextField';
import { ScheduleFieldErrors } from './ScheduleFieldErrors';

type SpecCheck = RouterOutputs['schedules']['validate'];
type Set = <K extends keyof ScheduleDraft>(key: K) => (value: ScheduleDraft[K]) => void;

/** The fields of one entry a line: what each is called and says about its lines. */
const LINES = {
  cron: {
    label: 'Cron expressions',
    hint: 'one a line: minute hour day month weekday',
    wordsTestId: 'schedule-cron-words',
  },
  intervals: { label: 'Intervals', hint: 'one a line: every [offset], e.g. 10m or 1d 3h', wordsTestId: undefined },
};

/** A line as the API checked it: in words, or what is wrong with it. */
interface CheckedLine {
  key: string;
  line: string;
  valid: boolean;
  description: string | null;
  error?: string | null;
}

/** A textarea of one entry a line, each line said in words under it (or what is wrong with it). */
function LinesField({
  field,
  state: { draft, set, errors },
  checked,
}: {
  field: keyof typeof LINES;
  state: { draft: ScheduleDraft; set: Set; errors: ScheduleErrors };
  checked: CheckedLine[] | undefined;
}) {
  const { label, hint, wordsTestId } = LINES[field];
  return (
    <label className="field">
      <FieldLabel label={label} hint={hint} />
      <textarea
        className="mono"
        rows={3}
        value={draft[field]}
        onChange={(event) => set(field)(event.target.value)}
        spellCheck={false}
        data-testid={`schedule-${field}`}
        aria-invalid={!!errors[field]}
      />
      {checked?.map((entry) => (
        <span key={entry.key} className={`field-hint${entry.valid ? '' : ' warn'}`} data-testid={wordsTestId}>
          {entry.valid ? entry.description : `${entry.line}: ${entry.error}`}
        </span>
      ))}
      <ScheduleFieldErrors errors={errors} field={field} />
    </label>
  );
}

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
  const state = { draft, set, errors };
  return (
    <div className="form-grid">
      <LinesField
        field="cron"
        state={state}
        checked={check?.cron.map((entry) => ({ ...entry, key: entry.expression, line: entry.expression }))}
      />
      <LinesField
        field="intervals"
        state={state}
        checked={check?.intervals.map((entry) => ({
          ...entry,
          key: entry.every + (entry.offset ?? ''),
          line: entry.every,
        }))}
      />
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
      <FieldLabel label={label} hint={note} />
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
