import { useState } from 'react';
import { AdminOnly } from '../../components/FormErrors';
import { ListState } from '../../components/ListState';
import { Loading } from '../../components/Loading';
import { usePermissions } from '../../lib/permissions';
import { trpc } from '../../trpc';
import { CreateUserForm } from './CreateUserForm';
import { DisableUserDialog } from './DisableUserDialog';
import { EditUserDialog } from './EditUserDialog';
import { ResetPasswordDialog } from './ResetPasswordDialog';
import type { User } from './user';
import { UsersTable, type UserAction } from './UsersTable';
import { ToggleButton } from '../../components/ToggleButton';

export function UsersPage() {
  const { isAdmin, me, loading } = usePermissions();
  const users = trpc.users.list.useQuery(undefined, { enabled: isAdmin });
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<{ action: UserAction; user: User } | null>(null);

  if (loading) return <Loading label="Loading…" rows={2} />;
  if (!isAdmin) return <AdminOnly title="Users" />;
  const close = () => setOpen(null);

  return (
    <div className="page" data-testid="users-page">
      <div className="page-header">
        <h1>Users</h1>
        <ToggleButton open={creating} onToggle={setCreating} label="New user" testId="user-create-toggle" />
      </div>
      {creating && (
        <section className="panel" aria-labelledby="user-create-title">
          <h2 id="user-create-title">New user</h2>
          <CreateUserForm />
        </section>
      )}
      <section className="panel">
        <ListState query={users} noun="users" empty={<p className="empty">No users.</p>}>
          {(list) => (
            <UsersTable users={list} selfId={me?.userId} onAction={(action, user) => setOpen({ action, user })} />
          )}
        </ListState>
      </section>
      {open?.action === 'edit' && (
        <EditUserDialog user={open.user} self={open.user.id === me?.userId} onClose={close} />
      )}
      {open?.action === 'disable' && <DisableUserDialog user={open.user} onClose={close} />}
      {open?.action === 'password' && <ResetPasswordDialog user={open.user} onClose={close} />}
    </div>
  );
}
