import { Link } from 'react-router';
import type { JobSummary } from '../trpc';
import { JobActions } from './job-actions/JobActions';
import { QueueName } from './queues/QueueStatus';
import { ProgressBar } from './ProgressBar';
import { RowCheck, SelectAllCheck, type RowSelection } from './RowChecks';
import { RelativeTime } from './RelativeTime';
import { TimeLeft } from './TimeLeft';
import { StateBadge, StatusBadge } from './StateBadge';
import './JobsTable.css';

/** Row selection for bulk actions; without it the table has no checkboxes. */
export type JobSelection = RowSelection;

export function JobsTable({
  jobs,
  selection,
  actions = false,
}: {
  jobs: JobSummary[];
  selection?: JobSelection;
  actions?: boolean;
}) {
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label="Jobs">
      <table className="table table-cards" data-testid="jobs-table">
        <thead>
          <tr>
            {selection && (
              <th scope="col" className="check-cell">
                <SelectAllCheck ids={jobs.map((job) => job.id)} selection={selection} />
              </th>
            )}
            <th scope="col">Job</th>
            <th scope="col">Type</th>
            <th scope="col">Queue</th>
            <th scope="col">State</th>
            <th scope="col">Progress</th>
            <th scope="col" className="num">
              Attempts
            </th>
            <th scope="col">Priority</th>
            <th scope="col">Requested by</th>
            <th scope="col">Created</th>
            {actions && (
              <th scope="col" className="actions-cell">
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => (
            <tr
              key={`${job.id}:${job.runId ?? ''}`}
              data-testid="job-row"
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
              </td>
              <td data-label="Type">
                <span className="clip" title={job.type}>
                  {job.type}
                </span>
              </td>
              <td data-label="Queue">
                <QueueName queue={job.queue} />
              </td>
              <td data-label="State">
                <StateBadge state={job.state} />
                {job.supersededAt && (
                  <span className="superseded-mark" data-testid="row-superseded">
                    <StatusBadge tone="idle">superseded</StatusBadge>
                  </span>
                )}
              </td>
              <td className="progress-cell" data-label="Progress">
                <ProgressBar
                  percent={job.progress?.percent ?? (job.state === 'completed' ? 100 : null)}
                  state={job.state}
                  compact
                  label={`progress of ${job.id}`}
                />
                <TimeLeft estimate={job.estimate} className="small muted" />
              </td>
              <td className="num" data-label="Attempts">
                {job.attempts}
                {job.maxAttempts ? <span className="muted"> / {job.maxAttempts}</span> : null}
              </td>
              <td data-label="Priority">
                <span className={`priority priority-${job.priority}`}>{job.priority}</span>
              </td>
              <td data-label="Requested by">
                {job.requestedBy ? (
                  <span className="clip" title={job.requestedBy}>
                    {job.requestedBy}
                  </span>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td data-label="Created">
                <RelativeTime iso={job.createdAt} past />
              </td>
              {actions && (
                <td className="actions-cell" data-label="Actions">
                  <JobActions job={job} compact />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
