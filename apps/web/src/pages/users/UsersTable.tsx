import { RolePill } from '../../components/admin/RoleField';
import { ACTIONS_COLUMN, DataTable } from '../../components/DataTable';
import { RelativeTime } from '../../components/RelativeTime';
import { StatusBadge } from '../../components/StateBadge';
import type { User } from './user';

export type UserAction = 'edit' | 'disable' | 'password';

export function UsersTable({
  users,
  selfId,
  onAction,
}: {
  users: User[];
  selfId: string | null | undefined;
  onAction: (action: UserAction, user: User) => void;
}) {
  const button = (action: UserAction, user: User, label: string, testId: string) => (
    <button type="button" className="button button-small" onClick={() => onAction(action, user)} data-testid={testId}>
      {label}
    </button>
  );
  return (
    <DataTable
      label="Users"
      testId="users-table"
      columns={['Email', 'Name', 'Role', 'Status', 'Created', ACTIONS_COLUMN]}
    >
      {users.map((user) => {
        const self = user.id === selfId;
        return (
          <tr key={user.id} data-testid="user-row" data-email={user.email}>
            <td className="id-cell" data-label="Email">
              {user.email}
              {self && <span className="muted small"> (you)</span>}
            </td>
            <td data-label="Name">{user.name ?? <span className="muted">—</span>}</td>
            <td data-label="Role">
              <RolePill role={user.role} />
            </td>
            <td data-label="Status">
              {user.disabled ? (
                <StatusBadge tone="bad">disabled</StatusBadge>
              ) : (
                <StatusBadge tone="ok">active</StatusBadge>
              )}
            </td>
            <td data-label="Created">
              <RelativeTime iso={user.createdAt} past />
            </td>
            <td className="actions-cell" data-label="Actions">
              <div className="row-actions">
                {button('edit', user, 'Edit…', 'user-edit')}
                {button('password', user, 'Reset password…', 'user-reset-password')}
                {!self && button('disable', user, user.disabled ? 'Enable…' : 'Disable…', 'user-disable')}
              </div>
            </td>
          </tr>
        );
      })}
    </DataTable>
  );
}
