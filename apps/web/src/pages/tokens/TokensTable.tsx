import { RolePill } from '../../components/admin/RoleField';
import { ACTIONS_COLUMN, DataTable } from '../../components/DataTable';
import { RelativeTime } from '../../components/RelativeTime';
import { StatusBadge } from '../../components/StateBadge';
import { statusOf, type Token } from './token';

function WhenOrNever({ iso, past = false }: { iso: string | null; past?: boolean }) {
  return iso ? <RelativeTime iso={iso} past={past} /> : <span className="muted">never</span>;
}

export function TokensTable({ tokens, onRevoke }: { tokens: Token[]; onRevoke: (token: Token) => void }) {
  return (
    <DataTable
      label="Tokens"
      testId="tokens-table"
      columns={['Name', 'Prefix', 'Role', 'Status', 'Created', 'Expires', 'Last used', ACTIONS_COLUMN]}
    >
      {tokens.map((token) => {
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
              <RolePill role={token.role} />
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
              <WhenOrNever iso={token.expiresAt} />
            </td>
            <td data-label="Last used">
              <WhenOrNever iso={token.lastUsedAt} past />
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
                  onClick={() => onRevoke(token)}
                  data-testid="token-revoke"
                >
                  Revoke…
                </button>
              )}
            </td>
          </tr>
        );
      })}
    </DataTable>
  );
}
