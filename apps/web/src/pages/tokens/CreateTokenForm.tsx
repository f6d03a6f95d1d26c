import { useState } from 'react';
import { CreateForm, useCreateForm, type FormErrors } from '../../components/admin/CreateForm';
import { RoleField } from '../../components/admin/RoleField';
import { TextField } from '../../components/TextField';
import type { Role } from '../../lib/permissions';
import { trpc } from '../../trpc';

/** The new token, shown this once: it lives only in the page's state, never in storage or the query cache. */
export interface IssuedToken {
  token: string;
  name: string;
  prefix: string;
  role: string;
  expiresAt: string | null;
}

export function CreateTokenForm({ onIssued }: { onIssued: (issued: IssuedToken) => void }) {
  const utils = trpc.useUtils();
  const create = trpc.tokens.create.useMutation();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [days, setDays] = useState('90');
  const form = useCreateForm(create);

  const submit = () => {
    const found: FormErrors = {};
    if (!name.trim()) found.name = ['a name is required, such as ci-deploys'];
    const expiresInDays = days.trim() === '' ? undefined : Number(days);
    if (expiresInDays !== undefined && (!Number.isInteger(expiresInDays) || expiresInDays < 1))
      found.expiresInDays = ['a whole number of days, 1 or more (empty: never)'];
    form.submit(
      found,
      () => ({ name: name.trim(), role, expiresInDays }),
      (result) => {
        onIssued({
          token: result.token,
          name: name.trim(),
          prefix: result.prefix,
          role: result.role,
          expiresAt: result.expiresAt,
        });
        create.reset(); // the secret does not stay in the mutation's state either
        void utils.tokens.list.invalidate();
        setName('');
      },
    );
  };

  return (
    <CreateForm
      testId="token-create-form"
      submitTestId="token-create-submit"
      submitLabel="Create token"
      form={form}
      onSubmit={submit}
    >
      <TextField
        label="Name"
        field="name"
        type="text"
        value={name}
        onChange={(event) => setName(event.target.value)}
        maxLength={100}
        placeholder="e.g. ci-deploys"
        data-testid="token-name"
      />
      <RoleField role={role} onChange={setRole} testId="token-role" />
      <TextField
        label="Expires in days"
        hint="empty: never"
        field="expiresInDays"
        type="number"
        min={1}
        step={1}
        value={days}
        onChange={(event) => setDays(event.target.value)}
        data-testid="token-expires"
      />
    </CreateForm>
  );
}
