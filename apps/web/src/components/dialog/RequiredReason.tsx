import { useState } from 'react';
import { issuesOf } from '../../lib/errors';
import { TextField } from '../TextField';

/**
 * A reason the action cannot go without (terminate, rerun from a step): what was typed, and the
 * message under the field, the API's own word on `reason` first, else ours once the field was left
 * or the action tried.
 */
export function useRequiredReason(error: unknown, minLength: number, hint: string) {
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  const tooShort = reason.trim().length < minLength;
  const fieldError =
    issuesOf(error).find((issue) => issue.path[0] === 'reason')?.message ?? (touched && tooShort ? hint : null);
  return {
    reason: reason.trim(),
    fieldError,
    /** Call on confirm: false (and the hint shown) while the reason is missing. */
    ready: () => {
      setTouched(true);
      return !tooShort;
    },
    field: { value: reason, onChange: setReason, onBlur: () => setTouched(true), fieldError },
  };
}

export function RequiredReasonField({
  formId,
  value,
  onChange,
  onBlur,
  fieldError,
  placeholder,
  testId,
}: ReturnType<typeof useRequiredReason>['field'] & { formId: string; placeholder: string; testId: string }) {
  return (
    <TextField
      label="Reason (required)"
      field="reason"
      formId={formId}
      errors={{ reason: fieldError ? [fieldError] : [] }}
      type="text"
      value={value}
      onChange={(event) => onChange(event.target.value)}
      onBlur={onBlur}
      maxLength={500}
      placeholder={placeholder}
      data-testid={testId}
      data-autofocus
    />
  );
}
