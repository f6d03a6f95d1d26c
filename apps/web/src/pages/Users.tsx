import { ROLES } from '@jobdeck/workflows/vocabulary';
import { useId, useState, type FormEvent } from 'react';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorBox } from '../components/ErrorBox';
import { AdminOnly, errorsByField, FieldError } from '../components/FormErrors';
import { Loading } from '../components/Loading';
import { RelativeTime } from '../components/RelativeTime';
import { StatusBadge } from '../components/StateBadge';
import { useToast } from '../components/Toasts';
import { httpStatusOf, messageOf } from '../lib/errors';
import { usePermissions, type Role } from '../lib/permissions';
import { trpc, type RouterOutputs } from '../trpc';

type User = RouterOutputs['users']['list'][number];
const ROLE_HELP: Record<Role, string> = {
  viewer: 'reads everything, changes nothing',
  operator: 'enqueues, retries, cancels jobs; pauses queues',
  admin: 'everything, users, tokens and the audit log too',
};

/** The role select with a line saying what the chosen role may do. */
function RoleField({
  id,
  role,
  onChange,
  disabled,
  testId,
}: {
  id: string;
  role: Role;
  onChange: (role: Role) => void;
  disabled?: boolean;
  testId: string;
}) {
  return (
    <label className="field">
      <span>Role</span>
      <select
        value={role}
        onChange={(event) => onChange(event.target.value as Role)}
        disabled={disabled}
        aria-describedby={`${id}-role-help`}
        data-testid={testId}
      >
        {ROLES.map((value) => (
          <option key={value} value={value}>
            {value}
          </option>
        ))}
      </select>
      <span className="field-note muted small" id={`${id}-role-help`}>
        {ROLE_HELP[role]}
      </span>
    </label>
  );
}

function CreateUser() {
  const id = useId();
  const toast = useToast();
  const utils = trpc.useUtils();
  const create = trpc.users.create.useMutation();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string[]>>({});

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string[]> = {};
    if (!email.trim()) found.email = ['an email address is required'];
    if (password.length < 10) found.password = ['password must be at least 10 characters'];
    setErrors(found);
    if (Object.keys(found).length) return;
    create.mutate(
      { email: email.trim(), name: name.trim() || undefined, role, password },
      {
        onSuccess: (user) => {
          void utils.users.list.invalidate();
          toast.push({
            tone: 'ok',
            title: `Created ${user.email}`,
            body: `role ${user.role}; tell them their password through a safe channel.`,
          });
          setEmail('');
          setName('');
          setPassword('');
          setRole('viewer');
        },
        onError: (error) => setErrors(errorsByField(error)),
      },
    );
  };
  const described = (field: string) => (errors[field]?.length ? `${id}-${field}` : undefined);

  return (
    <form className="stack-form" onSubmit={submit} noValidate data-testid="user-create-form">
      <div className="form-grid">
        <label className="field">
          <span>Email</span>
          <input
            type="email"
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            autoComplete="off"
            aria-invalid={!!errors.email}
            aria-describedby={described('email')}
            data-testid="user-email"
          />
          <FieldError errors={errors} field="email" id={`${id}-email`} />
        </label>
        <label className="field">
          <span>
            Name <span className="muted">(optional)</span>
          </span>
          <input
            type="text"
            value={name}
            onChange={(event) => setName(event.target.value)}
            maxLength={100}
            aria-invalid={!!errors.name}
            aria-describedby={described('name')}
            data-testid="user-name"
          />
          <FieldError errors={errors} field="name" id={`${id}-name`} />
        </label>
        <RoleField id={id} role={role} onChange={setRole} testId="user-role" />
        <label className="field">
          <span>
            Password <span className="muted">(10 characters at least)</span>
          </span>
          <input
            type="password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            autoComplete="new-password"
            aria-invalid={!!errors.password}
            aria-describedby={described('password')}
            data-testid="user-password"
          />
          <FieldError errors={errors} field="password" id={`${id}-password`} />
        </label>
      </div>
      <FieldError errors={errors} field="form" id={`${id}-form`} />
      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={create.isPending}
          data-testid="user-create-submit"
        >
          {create.isPending ? 'Creating…' : 'Create user'}
        </button>
      </div>
    </form>
  );
}

function EditUserDialog({ user, self, onClose }: { user: User; self: boolean; onClose: () => void }) {
  const id = useId();
  const toast = useToast();
  const utils = trpc.useUtils();
  const update = trpc.users.update.useMutation();
  const [name, setName] = useState(user.name ?? '');
  const [role, setRole] = useState<Role>(user.role as Role);
  const errors = update.error && httpStatusOf(update.error) === 400 ? errorsByField(update.error) : {};
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
          toast.push({
            tone: 'ok',
            title: `Updated ${updated.email}`,
            body: `role ${updated.role}${updated.name ? `, name ${updated.name}` : ''}`,
          });
          onClose();
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
      error={update.error && httpStatusOf(update.error) !== 400 ? update.error : null}
      onConfirm={confirm}
      onClose={onClose}
      testId="user-edit-dialog"
    >
      <label className="field">
        <span>Name</span>
        <input
          type="text"
          value={name}
          onChange={(event) => setName(event.target.value)}
          maxLength={100}
          aria-describedby={errors.name ? `${id}-name` : undefined}
          data-testid="user-edit-name"
          data-autofocus
        />
        <FieldError errors={errors} field="name" id={`${id}-name`} />
      </label>
      <RoleField id={id} role={role} onChange={setRole} disabled={self} testId="user-edit-role" />
      {self ? (
        <p className="muted small">You cannot change your own role; ask another admin.</p>
      ) : (
        role !== user.role && <p className="small">A new role applies to their open sessions at once.</p>
      )}
    </ConfirmDialog>
  );
}

function DisableDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const update = trpc.users.update.useMutation();
  const disable = !user.disabled;
  const confirm = () =>
    update.mutate(
      { id: user.id, disabled: disable },
      {
        onSuccess: (updated) => {
          void utils.users.list.invalidate();
          toast.push({ tone: 'ok', title: `${updated.disabled ? 'Disabled' : 'Enabled'} ${updated.email}` });
          onClose();
        },
        onError: (error) => {
          toast.push({
            tone: 'error',
            title: `Could not ${disable ? 'disable' : 'enable'} ${user.email}`,
            body: messageOf(error),
          });
          onClose();
        },
      },
    );
  return (
    <ConfirmDialog
      title={
        <>
          {disable ? 'Disable' : 'Enable'} {user.email}?
        </>
      }
      confirmLabel={disable ? 'Disable user' : 'Enable user'}
      tone={disable ? 'danger' : 'primary'}
      busy={update.isPending}
      onConfirm={confirm}
      onClose={onClose}
      testId="user-disable-dialog"
    >
      <p data-testid="dialog-effect">
        {disable
          ? 'They can no longer sign in, and their open sessions stop working at once. Nothing they did is undone.'
          : 'They can sign in again with their password.'}
      </p>
    </ConfirmDialog>
  );
}

function ResetPasswordDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const id = useId();
  const toast = useToast();
  const reset = trpc.users.resetPassword.useMutation();
  const [password, setPassword] = useState('');
  const [shown, setShown] = useState(false);
  const [touched, setTouched] = useState(false);
  const tooShort = password.length < 10;
  const serverErrors = reset.error && httpStatusOf(reset.error) === 400 ? errorsByField(reset.error) : {};
  const fieldError =
    serverErrors.password?.[0] ?? (touched && tooShort ? 'password must be at least 10 characters' : null);
  const confirm = () => {
    setTouched(true);
    if (tooShort) return;
    reset.mutate(
      { id: user.id, password },
      {
        onSuccess: () => {
          toast.push({
            tone: 'ok',
            title: `New password set for ${user.email}`,
            body: 'Their open sessions have ended.',
          });
          onClose();
        },
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
      error={reset.error && httpStatusOf(reset.error) !== 400 ? reset.error : null}
      onConfirm={confirm}
      onClose={onClose}
      testId="user-password-dialog"
    >
      <p data-testid="dialog-effect">Their open sessions end at once; they sign in again with the new password.</p>
      <label className="field">
        <span>New password (10 characters at least)</span>
        <input
          type={shown ? 'text' : 'password'}
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          onBlur={() => setTouched(true)}
          autoComplete="new-password"
          aria-invalid={!!fieldError}
          aria-describedby={fieldError ? `${id}-password` : undefined}
          data-testid="user-new-password"
          data-autofocus
        />
        {fieldError && (
          <ul className="field-errors" id={`${id}-password`}>
            <li>{fieldError}</li>
          </ul>
        )}
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={shown} onChange={(event) => setShown(event.target.checked)} />
        <span>Show the password</span>
      </label>
    </ConfirmDialog>
  );
}

type Open = { kind: 'edit' | 'disable' | 'password'; user: User } | null;

export function UsersPage() {
  const { isAdmin, me, loading } = usePermissions();
  const users = trpc.users.list.useQuery(undefined, { enabled: isAdmin });
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<Open>(null);

  if (loading) return <Loading label="Loading…" rows={2} />;
  if (!isAdmin) return <AdminOnly title="Users" />;

  return (
    <div className="page" data-testid="users-page">
      <div className="page-header">
        <h1>Users</h1>
        <button
          type="button"
          className="button"
          aria-expanded={creating}
          onClick={() => setCreating((value) => !value)}
          data-testid="user-create-toggle"
        >
          {creating ? 'Close' : 'New user'}
        </button>
      </div>
      {creating && (
        <section className="panel" aria-labelledby="user-create-title">
          <h2 id="user-create-title">New user</h2>
          <CreateUser />
        </section>
      )}
      <section className="panel">
        {users.error && !users.data ? (
          <ErrorBox error={users.error} title="Could not load the users" onRetry={() => void users.refetch()} />
        ) : !users.data ? (
          <Loading label="Loading users…" rows={4} />
        ) : users.data.length === 0 ? (
          <p className="empty">No users.</p>
        ) : (
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Users">
            <table className="table table-cards" data-testid="users-table">
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Name</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                  <th scope="col">Created</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {users.data.map((user) => {
                  const self = user.id === me?.userId;
                  return (
                    <tr key={user.id} data-testid="user-row" data-email={user.email}>
                      <td className="id-cell" data-label="Email">
                        {user.email}
                        {self && <span className="muted small"> (you)</span>}
                      </td>
                      <td data-label="Name">{user.name ?? <span className="muted">—</span>}</td>
                      <td data-label="Role">
                        <span className={`role-pill role-${user.role}`}>{user.role}</span>
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
                          <button
                            type="button"
                            className="button button-small"
                            onClick={() => setOpen({ kind: 'edit', user })}
                            data-testid="user-edit"
                          >
                            Edit…
                          </button>
                          <button
                            type="button"
                            className="button button-small"
                            onClick={() => setOpen({ kind: 'password', user })}
                            data-testid="user-reset-password"
                          >
                            Reset password…
                          </button>
                          {!self && (
                            <button
                              type="button"
                              className="button button-small"
                              onClick={() => setOpen({ kind: 'disable', user })}
                              data-testid="user-disable"
                            >
                              {user.disabled ? 'Enable…' : 'Disable…'}
                            </button>
                          )}
                        </div>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {open?.kind === 'edit' && (
        <EditUserDialog user={open.user} self={open.user.id === me?.userId} onClose={() => setOpen(null)} />
      )}
      {open?.kind === 'disable' && <DisableDialog user={open.user} onClose={() => setOpen(null)} />}
      {open?.kind === 'password' && <ResetPasswordDialog user={open.user} onClose={() => setOpen(null)} />}
    </div>
  );
}
