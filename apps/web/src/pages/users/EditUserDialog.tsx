import { useId, useState } from 'react';
import { RoleField } from '../../components/admin/RoleField';
import { ConfirmDialog } from '../../components/dialog/ConfirmDialog';
import { useDialogOutcome } from '../../components/dialog/useDialogOutcome';
import { errorsByField } from '../../components/FormErrors';
import { FormFields, TextField } from '../../components/TextField';
import { httpStatusOf } from '../../lib/errors';
import type { Role } from '../../lib/permissions';
import { trpc } from '../../trpc';
import type { UserDialogProps } from './user';

export function EditUserDialog({ user, self, onClose }: UserDialogProps & { self: boolean }) {
  const id = useId();
  const outcome = useDialogOutcome(onClose);
  const utils = trpc.useUtils();
  const update = trpc.users.update.useMutation();
  const [name, setName] = useState(user.name ?? '');
  const [role, setRole] = useState<Role>(user.role as Role);
  const refusedByField = httpStatusOf(update.error) === 400;
  const errors = refusedByField ? errorsByField(update.error) : {};
  const changes = {
    ...(name.trim() !== (user.name ?? '') ? { name: name.trim() } : {}),
    ...(role !== user.role ? { role } : {}),
  };
  const confirm = () =>
    update.mutate(
      { id: user.id, ...changes },
      {
        onSuccess: (updated) => {
          void utils.users.list.invalidate();
          outcome.succeeded({
            title: `Updated ${updated.email}`,
            body: `role ${updated.role}${updated.name ? `, name ${updated.name}` : ''}`,
          });
        },
      },
    );
  return (
    <ConfirmDialog
      title={<>Edit {user.email}</>}
      confirmLabel="Save"
      busyLabel="Saving…"
      busy={update.isPending}
      confirmDisabled={!Object.keys(changes).length}
      error={update.error && !refusedByField ? update.error : null}
      onConfirm={confirm}
      onClose={onClose}
      testId="user-edit-dialog"
    >
      <FormFields formId={id} errors={errors}>
        <TextField
          label="Name"
          field="name"
          type="text"
          value={name}
          onChange={(event) => setName(event.target.value)}
          maxLength={100}
          data-testid="user-edit-name"
          data-autofocus
        />
        <RoleField role={role} onChange={setRole} disabled={self} testId="user-edit-role" />
      </FormFields>
      {self ? (
        <p className="muted small">You cannot change your own role; ask another admin.</p>
      ) : (
        role !== user.role && <p className="small">A new role applies to their open sessions at once.</p>
      )}
    </ConfirmDialog>
  );
}
