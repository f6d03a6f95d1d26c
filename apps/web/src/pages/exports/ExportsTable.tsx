import { Link } from 'react-router';
import { DataTable } from '../../components/DataTable';
import { ProgressBar } from '../../components/ProgressBar';
import { RelativeTime } from '../../components/RelativeTime';
import { StatusBadge } from '../../components/StateBadge';
import { DownloadButton } from '../../components/exports/DownloadButton';
import type { ExportRow } from '../../components/exports/use-exports';
import { bytes } from '../../lib/format';

const TONES = { running: 'info', completed: 'ok', failed: 'bad', expired: 'idle' } as const;
const FORMATS: Record<string, string> = { csv: 'CSV', json: 'JSON', ndjson: 'NDJSON', xlsx: 'Excel' };
const count = new Intl.NumberFormat('en');

function progressOf(row: ExportRow): number | null {
  return row.totalRows ? (row.rows / row.totalRows) * 100 : null;
}

function StateCell({ row }: { row: ExportRow }) {
  return (
    <>
      <StatusBadge tone={TONES[row.state] ?? 'idle'} testId="export-state">
        {row.state}
      </StatusBadge>
      {row.state === 'running' && (
        <div className="export-progress">
          <ProgressBar percent={progressOf(row)} state="active" compact label={`progress of export ${row.id}`} />
        </div>
      )}
      {row.error && (
        <p className="small form-error" data-testid="export-error">
          {row.error}
        </p>
      )}
    </>
  );
}

/** Who asked for which export when, how far it got, and its file while it is kept. */
export function ExportsTable({ rows }: { rows: ExportRow[] }) {
  return (
    <DataTable
      label="Exports"
      testId="exports-table"
      columns={[
        'Requested by',
        'Asked',
        'Format',
        'State',
        { label: 'Rows', className: 'num' },
        { label: 'Size', className: 'num' },
        'Expires',
        'File',
      ]}
    >
      {rows.map((row) => (
        <tr key={row.id} data-testid="export-row" data-export-id={row.id} data-state={row.state}>
          <td data-label="Requested by">{row.requestedBy}</td>
          <td data-label="Asked">
            <RelativeTime iso={row.createdAt} past />
          </td>
          <td data-label="Format">{FORMATS[row.format] ?? row.format}</td>
          <td data-label="State">
            <StateCell row={row} />
          </td>
          <td className="num" data-label="Rows" data-testid="export-rows">
            {count.format(row.rows)}
            {row.totalRows !== null && row.state === 'running' && (
              <span className="muted"> / {count.format(row.totalRows)}</span>
            )}
          </td>
          <td className="num" data-label="Size">
            {row.bytes ? bytes(row.bytes) : '—'}
          </td>
          <td data-label="Expires">
            {row.expiresAt ? <RelativeTime iso={row.expiresAt} /> : <span className="muted">—</span>}
          </td>
          <td data-label="File">
            {row.downloadUrl ? (
              <DownloadButton url={row.downloadUrl} />
            ) : row.jobId ? (
              <Link to={`/jobs/${encodeURIComponent(row.jobId)}`} className="small">
                its job
              </Link>
            ) : (
              <span className="muted">—</span>
            )}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
