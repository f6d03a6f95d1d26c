import { Link } from 'react-router';
import { RelativeTime } from '../../components/RelativeTime';
import { StatusBadge } from '../../components/StateBadge';
import { dateTime, json } from '../../lib/format';
import { filterLink, type AuditFilter } from './audit-filter';

/** Written out: `params` is Prisma's recursive JSON type, too deep for TypeScript to carry through react-query. */
export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  role: string | null;
  action: string;
  target: string | null;
  params: unknown;
  outcome: string;
  error: string | null;
  ip: string | null;
}

const PREVIEW_LENGTH = 48;

/** A short preview that opens onto the whole JSON, wrapped to the column's width: nothing is cut off. */
function ParamsCell({ params }: { params: unknown }) {
  if (params === null || params === undefined) return <span className="muted">—</span>;
  const text = JSON.stringify(params);
  const preview = text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH - 1)}…` : text;
  return (
    <details className="params" data-testid="audit-params">
      <summary className="mono">{preview}</summary>
      <pre className="code-block">{json(params)}</pre>
    </details>
  );
}

function Target({ row }: { row: AuditEntry }) {
  if (!row.target) return <span className="muted">—</span>;
  if (row.action.startsWith('jobs.') && /^[\w.:-]+$/.test(row.target))
    return (
      <Link to={`/jobs/${encodeURIComponent(row.target)}`} className="mono">
        {row.target}
      </Link>
    );
  return <span className="mono">{row.target}</span>;
}

export function AuditRow({ row, filter }: { row: AuditEntry; filter: AuditFilter }) {
  const ok = row.outcome === 'ok';
  return (
    <tr data-testid="audit-row" data-action={row.action} data-actor={row.actor} data-outcome={row.outcome}>
      <td data-label="When">
        <span title={dateTime(row.at)}>
          <RelativeTime iso={row.at} past />
        </span>
      </td>
      <td data-label="Actor">
        <span>
          <Link to={filterLink(filter, 'actor', row.actor)} title="Show only this actor">
            {row.actor}
          </Link>
          {row.role && <span className="muted small"> · {row.role}</span>}
        </span>
      </td>
      <td data-label="Action">
        <Link to={filterLink(filter, 'action', row.action)} className="mono" title="Show only this action">
          {row.action}
        </Link>
      </td>
      <td className="target-cell" data-label="Target">
        <Target row={row} />
      </td>
      <td className="outcome-cell" data-label="Outcome">
        <StatusBadge tone={ok ? 'ok' : 'bad'} testId="audit-outcome" title={row.error ?? undefined}>
          {ok ? 'ok' : row.outcome.toLowerCase().replace(/_/g, ' ')}
        </StatusBadge>
        {row.error && <span className="audit-error small">{row.error}</span>}
      </td>
      <td className="params-cell" data-label="Params">
        <ParamsCell params={row.params} />
      </td>
      <td className="mono small" data-label="IP">
        {row.ip ?? '—'}
      </td>
    </tr>
  );
}
