import './Bulk.css';
import { Link } from 'react-router';
import type { RouterOutputs } from '../../trpc';

export type BulkResult = RouterOutputs['jobs']['bulk'];

const OUTCOME_TONE: Record<string, string> = { done: 'status-ok', failed: 'status-bad' };

function JobLink({ id, onClick, testId }: { id: string; onClick?: () => void; testId?: string }) {
  return (
    <Link to={`/jobs/${encodeURIComponent(id)}`} className="mono" onClick={onClick} data-testid={testId}>
      {id}
    </Link>
  );
}

/** What a bulk action did: the background job that does it, or a line per job. */
export function BulkOutcome({ result, onFollow }: { result: BulkResult; onFollow: () => void }) {
  if (result.mode === 'job')
    return (
      <p data-testid="bulk-job">
        {result.count} jobs are too many to do in one request: the background job{' '}
        <JobLink id={result.jobId!} onClick={onFollow} testId="bulk-job-link" /> does it, and its page shows the
        progress.
      </p>
    );
  if (!result.results.length) return <p className="muted">No job was touched.</p>;
  return (
    <ul className="bulk-results" data-testid="bulk-results">
      {result.results.map((item) => (
        <li
          key={item.id}
          className={`bulk-result bulk-${item.outcome}`}
          data-testid="bulk-result"
          data-outcome={item.outcome}
        >
          <span className={`badge ${OUTCOME_TONE[item.outcome] ?? 'status-idle'}`}>{item.outcome}</span>
          <JobLink id={item.id} />
          {item.newId && (
            <span className="small">
              → retried as <JobLink id={item.newId} />
            </span>
          )}
          {item.reason && <span className="small muted bulk-reason">{item.reason}</span>}
        </li>
      ))}
    </ul>
  );
}

/** The toast's words for a bulk action's answer. */
export function bulkToastOf(result: BulkResult, verb: string) {
  if (result.mode === 'job')
    return {
      tone: 'info' as const,
      title: `Bulk ${verb} started for ${result.count} jobs`,
      body: (
        <>
          It runs as the background job <JobLink id={result.jobId!} testId="toast-job-link" />
        </>
      ),
    };
  const done = result.results.filter((item) => item.outcome === 'done').length;
  const failed = result.results.filter((item) => item.outcome === 'failed').length;
  const skipped = result.results.length - done - failed;
  return {
    tone: failed ? ('error' as const) : ('ok' as const),
    title: `Bulk ${verb}: ${done} of ${result.count} done`,
    body: [skipped && `${skipped} skipped`, failed && `${failed} failed`].filter(Boolean).join(', ') || undefined,
  };
}
