/** What the rule and channel forms end with: the enabled box, the refusal no field took, Cancel and Save. */

export function EnabledCheck({
  enabled,
  onChange,
  testId,
}: {
  enabled: boolean;
  onChange: (enabled: boolean) => void;
  testId: string;
}) {
  return (
    <label className="checkbox">
      <input
        type="checkbox"
        checked={enabled}
        onChange={(event) => onChange(event.target.checked)}
        data-testid={testId}
      />
      Enabled
    </label>
  );
}

export function FormFooter({
  formErrors,
  pending,
  onCancel,
  submitLabel,
  testIdPrefix,
}: {
  formErrors: string[] | undefined;
  pending: boolean;
  onCancel: () => void;
  submitLabel: string;
  /** `rule` or `channel`: the browser test finds `<prefix>-form-error` and `<prefix>-submit`. */
  testIdPrefix: string;
}) {
  return (
    <>
      {formErrors && (
        <p className="form-error" role="alert" data-testid={`${testIdPrefix}-form-error`}>
          {formErrors.join(' ')}
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="button" onClick={onCancel} disabled={pending}>
          Cancel
        </button>
        <button
          type="submit"
          className="button button-primary"
          disabled={pending}
          data-testid={`${testIdPrefix}-submit`}
        >
          {pending ? 'Saving…' : submitLabel}
        </button>
      </div>
    </>
  );
}
