import { createContext, useContext, type InputHTMLAttributes, type ReactNode } from 'react';
import { FieldError } from './FormErrors';

type Errors = Partial<Record<string, string[]>>;

/** The id of a field's error list, which its input names in aria-describedby. */
export function errorIdOf(formId: string, field: string): string {
  return `${formId}-${field}-errors`;
}

/** aria-invalid and aria-describedby of a field's input, from the form's errors. */
export function errorAttributes(errors: Errors, formId: string, field: string) {
  const invalid = !!errors[field]?.length;
  return { 'aria-invalid': invalid, 'aria-describedby': invalid ? errorIdOf(formId, field) : undefined };
}

interface FormFieldsValue {
  /** The form's useId(). */
  formId: string;
  /** A refused form's errors by field. */
  errors: Errors;
}

const FormFieldsContext = createContext<FormFieldsValue | null>(null);

/** The form's id and errors for the fields inside it: each field then needs only its name. */
export function FormFields({ formId, errors, children }: FormFieldsValue & { children: ReactNode }) {
  return <FormFieldsContext.Provider value={{ formId, errors }}>{children}</FormFieldsContext.Provider>;
}

/** The form's id, for a field that links something else than errors (a hint). */
export function useFormId(): string | undefined {
  return useContext(FormFieldsContext)?.formId;
}

/**
 * How a field shows its errors: the attributes of its input and the list under it. From the
 * enclosing FormFields, unless the field is given errors of its own.
 */
export function useFieldErrors(field: string | undefined, own: Partial<FormFieldsValue> = {}) {
  const form = useContext(FormFieldsContext);
  const formId = own.formId ?? form?.formId;
  const errors = own.errors ?? form?.errors;
  if (!field || !formId || !errors) return { attributes: {}, list: null };
  return {
    attributes: errorAttributes(errors, formId, field),
    list: <FieldError errors={errors} field={field} id={errorIdOf(formId, field)} />,
  };
}

/** A field's label, with its hint after it in brackets: "Delay (seconds, optional)". */
export function FieldLabel({ label, hint }: { label: ReactNode; hint?: ReactNode }) {
  return (
    <span>
      {label}
      {hint && (
        <>
          {' '}
          <span className="muted">({hint})</span>
        </>
      )}
    </span>
  );
}

/**
 * A labelled input with its errors under it, linked for assistive technology. `field` names the
 * input in the form's errors; a field whose form reports errors elsewhere (a sign-in) has none.
 */
export function TextField({
  label,
  field,
  formId,
  errors,
  hint,
  note,
  ...input
}: {
  label: ReactNode;
  /** Said after the label, muted and in brackets, such as "optional". */
  hint?: ReactNode;
  field?: string;
  formId?: string;
  errors?: Errors;
  /** A line under the input, such as a hint. */
  note?: ReactNode;
} & InputHTMLAttributes<HTMLInputElement> & { 'data-testid'?: string; 'data-autofocus'?: boolean }) {
  const { attributes, list } = useFieldErrors(field, { formId, errors });
  return (
    <label className="field">
      <FieldLabel label={label} hint={hint} />
      <input {...attributes} {...input} />
      {note}
      {list}
    </label>
  );
}
