import { MutationDialog } from '../../components/dialog/MutationDialog';
import { trpc } from '../../trpc';
import type { UserDialogProps } from './user';

/** Disables an active user, or enables a disabled one. */
export function DisableUserDialog({ user, onClose }: UserDialogProps) {
  const utils = trpc.useUtils();
  const update = trpc.users.update.useMutation({ onSuccess: () => void utils.users.list.invalidate() });
  const disable = !user.disabled;
  return (
    <MutationDialog
      mutation={update}
      input={{ id: user.id, disabled: disable }}
      succeeded={(updated) => ({ title: `${updated.disabled ? 'Disabled' : 'Enabled'} ${updated.email}` })}
      failedTitle={`Could not ${disable ? 'disable' : 'enable'} ${user.email}`}
      title={
        <>
          {disable ? 'Disable' : 'Enable'} {user.email}?
        </>
      }
      confirmLabel={disable ? 'Disable user' : 'Enable user'}
      tone={disable ? 'danger' : 'primary'}
      onClose={onClose}
      testId="user-disable-dialog"
    >
      <p data-testid="dialog-effect">
        {disable
          ? 'They can no longer sign in, and their open sessions stop working at once. Nothing they did is undone.'
          : 'They can sign in again with their password.'}
      </p>
    </MutationDialog>
  );
}
