import { useState } from 'react';
import { OneTimeSecret } from '../../components/admin/OneTimeSecret';
import { AdminOnly } from '../../components/FormErrors';
import { ListState } from '../../components/ListState';
import { Loading } from '../../components/Loading';
import { dateTime } from '../../lib/format';
import { usePermissions } from '../../lib/permissions';
import { trpc } from '../../trpc';
import { CreateTokenForm, type IssuedToken } from './CreateTokenForm';
import { RevokeTokenDialog } from './RevokeTokenDialog';
import type { Token } from './token';
import { TokensTable } from './TokensTable';

export function TokensPage() {
  const { isAdmin, loading } = usePermissions();
  const tokens = trpc.tokens.list.useQuery(undefined, { enabled: isAdmin });
  const [issued, setIssued] = useState<IssuedToken | null>(null);
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
        <OneTimeSecret
          title={<>Token “{issued.name}” created</>}
          secret={issued.token}
          copyLabel="Copy token"
          details={
            <>
              role {issued.role} · {issued.expiresAt ? `expires ${dateTime(issued.expiresAt)}` : 'does not expire'} ·
              send it as <code>Authorization: Bearer …</code>
            </>
          }
          onDone={() => setIssued(null)}
          testId="token"
        />
      ) : (
        <section className="panel" aria-labelledby="token-create-title">
          <h2 id="token-create-title">New token</h2>
          <CreateTokenForm onIssued={setIssued} />
        </section>
      )}
      <section className="panel">
        <ListState
          query={tokens}
          noun="tokens"
          loadingRows={3}
          empty={
            <p className="empty" data-testid="tokens-empty">
              No service tokens yet.
            </p>
          }
        >
          {(list) => <TokensTable tokens={list} onRevoke={setRevoking} />}
        </ListState>
      </section>
      {revoking && <RevokeTokenDialog token={revoking} onClose={() => setRevoking(null)} />}
    </div>
  );
}
