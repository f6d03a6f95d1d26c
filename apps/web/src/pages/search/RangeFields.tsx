import { useState } from 'react';
import { FieldError } from '../../components/FormErrors';
import { errorIdOf } from '../../components/TextField';
import { formatDuration, parseDuration } from '../../lib/durations';
import { fromLocalInput, toLocalInput } from '../../lib/local-time';
import { DraftInput } from './DraftInput';
import type { SearchErrors } from './search-errors';
import type { JobSearch, NumberRangeKey, TimeRangeKey } from './search-types';

interface RangeProps<K extends keyof JobSearch> {
  field: K;
  label: string;
  value: JobSearch[K];
  onChange: (next: JobSearch[K]) => void;
  errors: SearchErrors;
  formId: string;
}

/** A range with nothing set is no filter at all. */
function rangeOf<T extends object>(range: T): T | undefined {
  const set = Object.entries(range).filter(([, value]) => value !== undefined);
  return set.length ? (Object.fromEntries(set) as T) : undefined;
}

function Frame({
  field,
  label,
  hint,
  errors,
  formId,
  children,
}: {
  field: string;
  label: string;
  hint?: string;
  errors: SearchErrors;
  formId: string;
  children: React.ReactNode;
}) {
  return (
    <fieldset className="fieldset range-field" data-testid={`range-${field}`}>
      <legend>
        {label}
        {hint && <span className="muted"> ({hint})</span>}
      </legend>
      <div className="range-inputs">{children}</div>
      <FieldError errors={errors} field={field} id={errorIdOf(formId, field)} />
    </fieldset>
  );
}

const invalidProps = (errors: SearchErrors, formId: string, field: string, local = false) => {
  const invalid = local || !!errors[field as keyof SearchErrors]?.length;
  return { 'aria-invalid': invalid, 'aria-describedby': invalid ? errorIdOf(formId, field) : undefined };
};

/** From and to, picked in local time, kept as ISO. */
export function TimeRangeField({ field, label, value, onChange, errors, formId }: RangeProps<TimeRangeKey>) {
  const set = (end: 'from' | 'to', text: string) => onChange(rangeOf({ ...value, [end]: fromLocalInput(text) }));
  return (
    <Frame field={field} label={label} errors={errors} formId={formId}>
      {(['from', 'to'] as const).map((end) => (
        <label key={end} className="field">
          <span className="small muted">{end}</span>
          <input
            type="datetime-local"
            value={toLocalInput(value?.[end])}
            onChange={(event) => set(end, event.target.value)}
            data-testid={`search-${field}-${end}`}
            {...invalidProps(errors, formId, field)}
          />
        </label>
      ))}
    </Frame>
  );
}

/** Min and max of a duration ("90s", "5m", "1h30m") or of a count (attempts). */
export function NumberRangeField({ field, label, value, onChange, errors, formId }: RangeProps<NumberRangeKey>) {
  const durations = field !== 'attempts';
  const [bad, setBad] = useState<Partial<Record<'min' | 'max', string>>>({});
  const write = (ms: number | undefined) => (ms === undefined ? '' : durations ? formatDuration(ms) : String(ms));
  const read = (text: string): number | null | undefined => {
    if (!text.trim()) return undefined;
    if (durations) return parseDuration(text);
    return /^\s*\d+\s*$/.test(text) ? Number(text) : null;
  };
  const commit = (end: 'min' | 'max', text: string) => {
    const parsed = read(text);
    if (parsed === null) {
      setBad((old) => ({
        ...old,
        [end]: durations ? `${end}: "${text}" is not a duration such as 90s, 5m or 1h30m` : `${end}: a whole number`,
      }));
      return false;
    }
    setBad((old) => ({ ...old, [end]: undefined }));
    onChange(rangeOf({ ...value, [end]: parsed }));
  };
  const local = Object.values(bad).filter((message): message is string => !!message);
  const shown: SearchErrors = local.length ? { ...errors, [field]: [...local, ...(errors[field] ?? [])] } : errors;
  return (
    <Frame
      field={field}
      label={label}
      hint={durations ? 'e.g. 90s, 5m, 1h30m' : undefined}
      errors={shown}
      formId={formId}
    >
      {(['min', 'max'] as const).map((end) => (
        <label key={end} className="field">
          <span className="small muted">{end}</span>
          <DraftInput
            value={write(value?.[end])}
            commit={(text) => commit(end, text)}
            inputMode={durations ? 'text' : 'numeric'}
            placeholder={durations ? (end === 'min' ? '0s' : 'no limit') : end === 'min' ? '0' : 'no limit'}
            data-testid={`search-${field}-${end}`}
            {...invalidProps(errors, formId, field, !!bad[end])}
          />
        </label>
      ))}
    </Frame>
  );
}
