import { ROLES } from '@jobdeck/workflows/vocabulary';
import { useId, useState, type FormEvent } from 'react';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { CopyButton } from '../components/CopyButton';
import { ErrorBox } from '../components/ErrorBox';
import { AdminOnly, errorsByField, FieldError } from '../components/FormErrors';
import { Loading } from '../components/Loading';
import { RelativeTime } from '../components/RelativeTime';
import { StatusBadge } from '../components/StateBadge';
import { useToast } from '../components/Toasts';
import { messageOf } from '../lib/errors';
import { dateTime } from '../lib/format';
import { usePermissions, type Role } from '../lib/permissions';
import { trpc, type RouterOutputs } from '../trpc';

type Token = RouterOutputs['tokens']['list'][number];

/** The new token, shown this once: it lives only in this component's state, never in storage or the query cache. */
interface Issued {
  token: string;
  name: string;
  prefix: string;
  role: string;
  expiresAt: string | null;
}

function IssuedToken({ issued, onDone }: { issued: Issued; onDone: () => void }) {
  return (
    <section className="panel panel-secret" aria-labelledby="issued-title" data-testid="token-issued">
      <h2 id="issued-title">Token “{issued.name}” created</h2>
      <p className="secret-warning" role="alert">
        Copy it now: <strong>you will not see it again.</strong> Jobdeck keeps only a hash of it.
      </p>
      <div className="command secret-box">
        <code data-testid="token-secret">{issued.token}</code>
        <CopyButton text={issued.token} label="Copy token" />
      </div>
      <p className="muted small">
        role {issued.role} · {issued.expiresAt ? `expires ${dateTime(issued.expiresAt)}` : 'does not expire'} · send it
        as <code>Authorization: Bearer …</code>
      </p>
      <div className="form-actions">
        <button type="button" className="button button-primary" onClick={onDone} data-testid="token-issued-done">
          I have copied it
        </button>
      </div>
    </section>
  );
}

function CreateToken({ onIssued }: { onIssued: (issued: Issued) => void }) {
  const id = useId();
  const utils = trpc.useUtils();
  const create = trpc.tokens.create.useMutation();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [days, setDays] = useState('90');
  const [errors, setErrors] = useState<Record<string, string[]>>({});

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string[]> = {};
    if (!name.trim()) found.name = ['a name is required, such as ci-deploys'];
    const expiresInDays = days.trim() === '' ? undefined : Number(days);
    if (expiresInDays !== undefined && (!Number.isInteger(expiresInDays) || expiresInDays < 1))
      found.expiresInDays = ['a whole number of days, 1 or more (empty: never)'];
    setErrors(found);
    if (Object.keys(found).length) return;
    create.mutate(
      { name: name.trim(), role, expiresInDays },
      {
        onSuccess: (result) => {
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
        onError: (error) => setErrors(errorsByField(error)),
      },
    );
  };
  const described = (field: string) => (errors[field]?.length ? `${id}-${field}` : undefined);

  return (
    <form className="stack-form" onSubmit={submit} noValidate data-testid="token-create-form">
      <div className="form-grid">
        <label className="field">
          <span>Name</span>
          <input
            type="text"
            value={name}
            onChange={(event) => setName(event.target.value)}
            maxLength={100}
            placeholder="e.g. ci-deploys"
            aria-invalid={!!errors.name}
            aria-describedby={described('name')}
            data-testid="token-name"
          />
          <FieldError errors={errors} field="name" id={`${id}-name`} />
        </label>
        <label className="field">
          <span>Role</span>
          <select value={role} onChange={(event) => setRole(event.target.value as Role)} data-testid="token-role">
            {ROLES.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>
            Expires in days <span className="muted">(empty: never)</span>
          </span>
          <input
            type="number"
            min={1}
            step={1}
            value={days}
            onChange={(event) => setDays(event.target.value)}
            aria-invalid={!!errors.expiresInDays}
            aria-describedby={described('expiresInDays')}
            data-testid="token-expires"
          />
          <FieldError errors={errors} field="expiresInDays" id={`${id}-expiresInDays`} />
        </label>
      </div>
      <FieldError errors={errors} field="form" id={`${id}-form`} />
      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={create.isPending}
          data-testid="token-create-submit"
        >
          {create.isPending ? 'Creating…' : 'Create token'}
        </button>
      </div>
    </form>
  );
}

function statusOf(token: Token): { tone: 'ok' | 'bad' | 'idle'; label: string } {
  if (token.revokedAt) return { tone: 'bad', label: 'revoked' };
  if (token.expiresAt && Date.parse(token.expiresAt) <= Date.now()) return { tone: 'idle', label: 'expired' };
  return { tone: 'ok', label: 'active' };
}

function RevokeDialog({ token, onClose }: { token: Token; onClose: () => void }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const revoke = trpc.tokens.revoke.useMutation();
  const confirm = () =>
    revoke.mutate(
      { id: token.id },
      {
        onSuccess: () => {
          void utils.tokens.list.invalidate();
          toast.push({
            tone: 'ok',
            title: `Revoked token ${token.name}`,
            body: 'Calls with it are refused from now on.',
          });
          onClose();
        },
        onError: (error) => {
          toast.push({ tone: 'error', title: `Could not revoke ${token.name}`, body: messageOf(error) });
          onClose();
        },
      },
    );
  return (
    <ConfirmDialog
      title={<>Revoke token “{token.name}”?</>}
      confirmLabel="Revoke token"
      busyLabel="Revoking…"
      tone="danger"
      busy={revoke.isPending}
      onConfirm={confirm}
      onClose={onClose}
      testId="token-revoke-dialog"
    >
      <p data-testid="dialog-effect">
        Every call with <code>{token.prefix}…</code> ({token.role}) is refused from now on, within a second. This cannot
        be undone: a new token would have to be created and handed out.
      </p>
    </ConfirmDialog>
  );
}

export function TokensPage() {
  const { isAdmin, loading } = usePermissions();
  const tokens = trpc.tokens.list.useQuery(undefined, { enabled: isAdmin });
  const [issued, setIssued] = useState<Issued | null>(null);
  const [revoking, setRevoking] = useState<Token | null>(null);

  if (loading) return <Loading label="Loading…" rows={2} />;
  if (!isAdmin) return <AdminOnly title="API tokens" />;

  return (
    <div className="page" data-testid="tokens-page">
      <div className="page-header">
        <h1>API tokens</h1>
      </div>
      <p className="muted page-intro">
        Service tokens let scripts and other services call the API with a role of their own. Each is shown once, when
        created; Jobdeck stores only its hash.
      </p>
      {issued ? (
        <IssuedToken issued={issued} onDone={() => setIssued(null)} />
      ) : (
        <section className="panel" aria-labelledby="token-create-title">
          <h2 id="token-create-title">New token</h2>
          <CreateToken onIssued={setIssued} />
        </section>
      )}
      <section className="panel">
        {tokens.error && !tokens.data ? (
          <ErrorBox error={tokens.error} title="Could not load the tokens" onRetry={() => void tokens.refetch()} />
        ) : !tokens.data ? (
          <Loading label="Loading tokens…" rows={3} />
        ) : tokens.data.length === 0 ? (
          <p className="empty" data-testid="tokens-empty">
            No service tokens yet.
          </p>
        ) : (
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Tokens">
            <table className="table table-cards" data-testid="tokens-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Prefix</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                  <th scope="col">Created</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Last used</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {tokens.data.map((token) => {
                  const status = statusOf(token);
                  return (
                    <tr
                      key={token.id}
                      data-testid="token-row"
                      data-token-id={token.id}
                      data-name={token.name}
                      data-status={status.label}
                    >
                      <td className="id-cell" data-label="Name">
                        {token.name}
                      </td>
                      <td className="mono" data-label="Prefix">
                        {token.prefix}…
                      </td>
                      <td data-label="Role">
                        <span className={`role-pill role-${token.role}`}>{token.role}</span>
                      </td>
                      <td data-label="Status">
                        <StatusBadge tone={status.tone} testId="token-status">
                          {status.label}
                        </StatusBadge>
                      </td>
                      <td data-label="Created">
                        <RelativeTime iso={token.createdAt} past />
                      </td>
                      <td data-label="Expires">
                        {token.expiresAt ? (
                          <RelativeTime iso={token.expiresAt} />
                        ) : (
                          <span className="muted">never</span>
                        )}
                      </td>
                      <td data-label="Last used">
                        {token.lastUsedAt ? (
                          <RelativeTime iso={token.lastUsedAt} past />
                        ) : (
                          <span className="muted">never</span>
                        )}
                      </td>
                      <td className="actions-cell" data-label="Actions">
                        {status.label === 'revoked' ? (
                          <span className="muted small">
                            revoked <RelativeTime iso={token.revokedAt} past />
                          </span>
                        ) : (
                          <button
                            type="button"
                            className="button button-small button-danger-outline"
                            onClick={() => setRevoking(token)}
                            data-testid="token-revoke"
                          >
                            Revoke…
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {revoking && <RevokeDialog token={revoking} onClose={() => setRevoking(null)} />}
    </div>
  );
}
