import { Link } from 'react-router';
import type { JobSummary } from '../trpc';
import { ProgressBar } from './ProgressBar';
import { RelativeTime } from './RelativeTime';
import { StateBadge } from './StateBadge';

export function JobsTable({ jobs }: { jobs: JobSummary[] }) {
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label="Jobs">
      <table className="table table-cards" data-testid="jobs-table">
        <thead>
          <tr>
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
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => (
            <tr key={`${job.id}:${job.runId ?? ''}`} data-testid="job-row" data-job-id={job.id}>
              <td className="mono id-cell" data-label="Job">
                <Link to={`/jobs/${encodeURIComponent(job.id)}`}>{job.id}</Link>
              </td>
              <td data-label="Type">{job.type}</td>
              <td data-label="Queue">{job.queue}</td>
              <td data-label="State">
                <StateBadge state={job.state} />
              </td>
              <td className="progress-cell" data-label="Progress">
                <ProgressBar percent={job.progress?.percent ?? (job.state === 'completed' ? 100 : null)} state={job.state} compact label={`progress of ${job.id}`} />
              </td>
              <td className="num" data-label="Attempts">
                {job.attempts}
                {job.maxAttempts ? <span className="muted"> / {job.maxAttempts}</span> : null}
              </td>
              <td data-label="Priority">
                <span className={`priority priority-${job.priority}`}>{job.priority}</span>
              </td>
              <td data-label="Requested by">{job.requestedBy ?? <span className="muted">—</span>}</td>
              <td data-label="Created">
                <RelativeTime iso={job.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
