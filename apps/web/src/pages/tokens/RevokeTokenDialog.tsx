import { MutationDialog } from '../../components/dialog/MutationDialog';
import { trpc } from '../../trpc';
import type { Token } from './token';

export function RevokeTokenDialog({ token, onClose }: { token: Token; onClose: () => void }) {
  const utils = trpc.useUtils();
  const revoke = trpc.tokens.revoke.useMutation({ onSuccess: () => void utils.tokens.list.invalidate() });
  return (
    <MutationDialog
      mutation={revoke}
      input={{ id: token.id }}
      succeeded={() => ({ title: `Revoked token ${token.name}`, body: 'Calls with it are refused from now on.' })}
      failedTitle={`Could not revoke ${token.name}`}
      title={<>Revoke token “{token.name}”?</>}
      confirmLabel="Revoke token"
      busyLabel="Revoking…"
      tone="danger"
      onClose={onClose}
      testId="token-revoke-dialog"
    >
      <p data-testid="dialog-effect">
        Every call with <code>{token.prefix}…</code> ({token.role}) is refused from now on, within a second. This cannot
        be undone: a new token would have to be created and handed out.
      </p>
    </MutationDialog>
  );
}
