import { useId, useState, type FormEvent, type ReactNode } from 'react';
import type { Mutation } from '../../lib/mutation';
import { errorsByField, FieldError } from '../FormErrors';
import { FormFields } from '../TextField';

export type FormErrors = Partial<Record<string, string[]>>;

/**
 * A "new …" form's errors and sending: `submit` sends the input unless the form's own checks found
 * something, and puts a refusal from the server under the fields it names.
 */
export function useCreateForm<Input, Result>(mutation: Mutation<Input, Result>) {
  const [errors, setErrors] = useState<FormErrors>({});
  const submit = (found: FormErrors, input: () => Input, onCreated: (result: Result) => void) => {
    setErrors(found);
    if (Object.keys(found).length) return;
    mutation.mutate(input(), { onSuccess: onCreated, onError: (error) => setErrors(errorsByField(error)) });
  };
  return { errors, submit, pending: mutation.isPending };
}

/**
 * A "new …" form: its fields in a grid (each showing its own errors), the form's own error, and
 * one submit button that says when it is working.
 */
export function CreateForm({
  testId,
  submitTestId,
  submitLabel,
  form: { pending, errors },
  onSubmit,
  children,
}: {
  testId: string;
  submitTestId: string;
  submitLabel: string;
  /** useCreateForm()'s answer. */
  form: { pending: boolean; errors: FormErrors };
  onSubmit: () => void;
  children: ReactNode;
}) {
  const id = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <form className="stack-form" onSubmit={submit} noValidate data-testid={testId}>
      <FormFields formId={id} errors={errors}>
        <div className="form-grid">{children}</div>
      </FormFields>
      <FieldError errors={errors} field="form" id={`${id}-form`} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={pending} data-testid={submitTestId}>
          {pending ? 'Creating…' : submitLabel}
        </button>
      </div>
    </form>
  );
}
