import { PRIORITIES, type Priority } from '@jobdeck/workflows/vocabulary';
import type { ReactNode } from 'react';
import { Options } from './Options';
import { FieldLabel, useFieldErrors } from './TextField';

/** A field's own errors, when it is not inside a FormFields that has them. */
interface FieldErrorsProps {
  formId?: string;
  errors?: Partial<Record<string, string[]>>;
  field?: string;
}

function Field({
  label,
  hint,
  children,
  list,
}: {
  label: ReactNode;
  hint?: ReactNode;
  children: ReactNode;
  list: ReactNode;
}) {
  return (
    <label className="field">
      <FieldLabel label={label} hint={hint} />
      {children}
      {list}
    </label>
  );
}

/** The job types the worker runs, to choose one. */
export function JobTypeSelect({
  types,
  value,
  onChange,
  testId,
  field,
  disabled = false,
  ...own
}: {
  types: ReadonlyArray<{ type: string }>;
  value: string;
  onChange: (type: string) => void;
  testId: string;
  /** Shown but fixed, as when starting a job like another. */
  disabled?: boolean;
} & FieldErrorsProps) {
  const { attributes, list } = useFieldErrors(field, own);
  return (
    <Field label="Job type" list={list}>
      <select
        value={value}
        onChange={(event) => onChange(event.target.value)}
        data-testid={testId}
        disabled={disabled}
        {...attributes}
      >
        <Options options={types.map((candidate) => candidate.type)} />
      </select>
    </Field>
  );
}

/** A job's priority; with `unchanged`, an empty first choice that keeps the current one. */
export function PrioritySelect({
  value,
  onChange,
  testId,
  unchanged,
  autoFocus = false,
  field,
  ...own
}: {
  value: string;
  onChange: (priority: Priority | '') => void;
  testId?: string;
  /** The label of the empty choice. */
  unchanged?: string;
  /** Focused first when the form is a dialog. */
  autoFocus?: boolean;
} & FieldErrorsProps) {
  const { attributes, list } = useFieldErrors(field, own);
  return (
    <Field label="Priority" list={list}>
      <select
        value={value}
        onChange={(event) => onChange(event.target.value as Priority | '')}
        data-testid={testId}
        data-autofocus={autoFocus || undefined}
        {...attributes}
      >
        {unchanged !== undefined && <option value="">{unchanged}</option>}
        <Options options={PRIORITIES} />
      </select>
    </Field>
  );
}

/** A job's input as JSON, in a monospaced box that grows with it. */
export function JsonInputField({
  label,
  hint,
  value,
  onChange,
  testId,
  minRows = 4,
  maxRows = 12,
  field,
  ...own
}: {
  label: ReactNode;
  /** Said after the label, such as "JSON". */
  hint?: ReactNode;
  value: string;
  onChange: (text: string) => void;
  testId: string;
  minRows?: number;
  maxRows?: number;
} & FieldErrorsProps) {
  const { attributes, list } = useFieldErrors(field, own);
  return (
    <Field label={label} hint={hint} list={list}>
      <textarea
        className="mono"
        rows={Math.min(maxRows, Math.max(minRows, value.split('\n').length + 1))}
        spellCheck={false}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        data-testid={testId}
        {...attributes}
      />
    </Field>
  );
}
