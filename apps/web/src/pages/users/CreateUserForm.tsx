import { useState } from 'react';
import { CreateForm, useCreateForm, type FormErrors } from '../../components/admin/CreateForm';
import { RoleField } from '../../components/admin/RoleField';
import { TextField } from '../../components/TextField';
import { useToast } from '../../components/toasts/Toasts';
import type { Role } from '../../lib/permissions';
import { trpc } from '../../trpc';

export const MIN_PASSWORD = 10;
export const PASSWORD_TOO_SHORT = `password must be at least ${MIN_PASSWORD} characters`;

export function CreateUserForm() {
  const toast = useToast();
  const utils = trpc.useUtils();
  const create = trpc.users.create.useMutation();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [password, setPassword] = useState('');
  const form = useCreateForm(create);

  const submit = () => {
    const found: FormErrors = {};
    if (!email.trim()) found.email = ['an email address is required'];
    if (password.length < MIN_PASSWORD) found.password = [PASSWORD_TOO_SHORT];
    form.submit(
      found,
      () => ({ email: email.trim(), name: name.trim() || undefined, role, password }),
      (user) => {
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
    );
  };

  return (
    <CreateForm
      testId="user-create-form"
      submitTestId="user-create-submit"
      submitLabel="Create user"
      form={form}
      onSubmit={submit}
    >
      <TextField
        label="Email"
        field="email"
        type="email"
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        autoComplete="off"
        data-testid="user-email"
      />
      <TextField
        label="Name"
        hint="optional"
        field="name"
        type="text"
        value={name}
        onChange={(event) => setName(event.target.value)}
        maxLength={100}
        data-testid="user-name"
      />
      <RoleField role={role} onChange={setRole} testId="user-role" />
      <TextField
        label="Password"
        hint={`${MIN_PASSWORD} characters at least`}
        field="password"
        type="password"
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        autoComplete="new-password"
        data-testid="user-password"
      />
    </CreateForm>
  );
}
