import { Link } from 'react-router';
import { RelativeTime } from '../../components/RelativeTime';
import { StateBadge, StatusBadge } from '../../components/StateBadge';
import { between, duration } from '../../lib/format';
import type { JobSummary } from '../../trpc';
import { RowCheck, SelectAllCheck, type RowSelection } from '../../components/RowChecks';
import type { JobSearch } from './search-types';
import { SortHeader } from './SortHeader';

/**
 * The search's rows, with the columns it sorts by; clicking a column's header sorts by it (started and
 * wait time, which have no column here, are in the Sort by picker). Selection
 * checkboxes (operators) pick rows for Retry, Cancel or Delete of exactly those jobs.
 */
export function ResultsTable({
  jobs,
  search,
  onChange,
  selection,
  stale,
}: {
  jobs: JobSummary[];
  search: JobSearch;
  onChange: (next: JobSearch) => void;
  selection?: RowSelection;
  stale: boolean;
}) {
  const sortable = { search, onChange };
  return (
    <div className={`table-scroll${stale ? ' stale' : ''}`} tabIndex={0} role="region" aria-label="Search results">
      <table className="table table-cards search-table" data-testid="search-table">
        <thead>
          <tr>
            {selection && (
              <th scope="col" className="check-cell">
                <SelectAllCheck ids={jobs.map((job) => job.id)} selection={selection} />
              </th>
            )}
            <th scope="col">Job, requested by</th>
            <SortHeader sort="type" {...sortable} />
            <th scope="col">State</th>
            <SortHeader sort="priority" {...sortable} />
            <SortHeader sort="attempts" className="num" {...sortable} />
            <SortHeader sort="created" {...sortable} />
            <SortHeader sort="finished" {...sortable} />
            <SortHeader sort="runTime" className="num" {...sortable} />
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => (
            <tr
              key={`${job.id}:${job.runId ?? ''}`}
              data-testid="search-row"
              data-job-id={job.id}
              className={selection?.selected.has(job.id) ? 'row-selected' : undefined}
            >
              {selection && (
                <td className="check-cell" data-label="Select">
                  <RowCheck id={job.id} selection={selection} />
                </td>
              )}
              <td className="mono id-cell" data-label="Job">
                <Link to={`/jobs/${encodeURIComponent(job.id)}`} title={job.id}>
                  {job.id}
                </Link>
                {job.requestedBy && (
                  <span className="search-by clip small muted" title={`requested by ${job.requestedBy}`}>
                    by {job.requestedBy}
                  </span>
                )}
              </td>
              <td data-label="Type">
                <span className="clip" title={job.type}>
                  {job.type}
                </span>
              </td>
              <td data-label="State">
                <StateBadge state={job.state} />
                {job.supersededAt && (
                  <span className="superseded-mark">
                    <StatusBadge tone="idle">superseded</StatusBadge>
                  </span>
                )}
                {job.error && (
                  <span className="search-error clip small muted" title={job.error}>
                    {job.error}
                  </span>
                )}
              </td>
              <td data-label="Priority">
                <span className={`priority priority-${job.priority}`}>{job.priority}</span>
              </td>
              <td className="num" data-label="Attempts" data-testid="cell-attempts">
                {job.attempts}
                {job.maxAttempts ? <span className="muted"> / {job.maxAttempts}</span> : null}
              </td>
              <td data-label="Created">
                <RelativeTime iso={job.createdAt} past />
              </td>
              <td data-label="Finished">
                <RelativeTime iso={job.finishedAt} past />
              </td>
              <td className="num" data-label="Run time" data-testid="cell-run-time">
                {duration(between(job.startedAt, job.finishedAt))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
