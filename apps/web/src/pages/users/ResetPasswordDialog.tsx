import { useId, useState } from 'react';
import { ConfirmDialog } from '../../components/dialog/ConfirmDialog';
import { useDialogOutcome } from '../../components/dialog/useDialogOutcome';
import { errorsByField } from '../../components/FormErrors';
import { TextField } from '../../components/TextField';
import { httpStatusOf } from '../../lib/errors';
import { trpc } from '../../trpc';
import { MIN_PASSWORD, PASSWORD_TOO_SHORT } from './CreateUserForm';
import type { UserDialogProps } from './user';

export function ResetPasswordDialog({ user, onClose }: UserDialogProps) {
  const id = useId();
  const outcome = useDialogOutcome(onClose);
  const reset = trpc.users.resetPassword.useMutation();
  const [password, setPassword] = useState('');
  const [shown, setShown] = useState(false);
  const [touched, setTouched] = useState(false);
  const tooShort = password.length < MIN_PASSWORD;
  const refusedByField = httpStatusOf(reset.error) === 400;
  const fieldError =
    (refusedByField ? errorsByField(reset.error).password?.[0] : undefined) ??
    (touched && tooShort ? PASSWORD_TOO_SHORT : null);
  const confirm = () => {
    setTouched(true);
    if (tooShort) return;
    reset.mutate(
      { id: user.id, password },
      {
        onSuccess: () =>
          outcome.succeeded({ title: `New password set for ${user.email}`, body: 'Their open sessions have ended.' }),
      },
    );
  };
  return (
    <ConfirmDialog
      title={<>Reset the password of {user.email}?</>}
      confirmLabel="Set password"
      busyLabel="Saving…"
      tone="danger"
      busy={reset.isPending}
      error={reset.error && !refusedByField ? reset.error : null}
      onConfirm={confirm}
      onClose={onClose}
      testId="user-password-dialog"
    >
      <p data-testid="dialog-effect">Their open sessions end at once; they sign in again with the new password.</p>
      <TextField
        label={`New password (${MIN_PASSWORD} characters at least)`}
        field="password"
        formId={id}
        errors={{ password: fieldError ? [fieldError] : [] }}
        type={shown ? 'text' : 'password'}
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        onBlur={() => setTouched(true)}
        autoComplete="new-password"
        data-testid="user-new-password"
        data-autofocus
      />
      <label className="checkbox">
        <input type="checkbox" checked={shown} onChange={(event) => setShown(event.target.checked)} />
        <span>Show the password</span>
      </label>
    </ConfirmDialog>
  );
}
