import { Link } from 'react-router';
import { StatusBadge } from '../StateBadge';
import './JobActions.css';

function JobLink({ id, testId }: { id: string; testId: string }) {
  return (
    <Link to={`/jobs/${encodeURIComponent(id)}`} className="mono" data-testid={testId}>
      {id}
    </Link>
  );
}

/** "new job …", in the toast of a retry. */
export function RetriedAs({ id }: { id: string }) {
  return (
    <>
      new job <JobLink id={id} testId="toast-job-link" />
    </>
  );
}

/** "retry of …", "retried as …" and "superseded", on the job page. */
export function JobLineage({
  job,
}: {
  job: { retryOfId?: string | null; retriedAsId?: string | null; supersededAt?: string | null };
}) {
  if (!job.retryOfId && !job.retriedAsId && !job.supersededAt) return null;
  return (
    <p className="lineage" data-testid="job-lineage">
      {job.supersededAt && (
        <span data-testid="job-superseded" title={`superseded ${new Date(job.supersededAt).toLocaleString()}`}>
          <StatusBadge tone="idle">superseded</StatusBadge>
        </span>
      )}
      {job.retryOfId && (
        <span>
          retry of <JobLink id={job.retryOfId} testId="job-retry-of" />
        </span>
      )}
      {job.retriedAsId && (
        <span>
          retried as <JobLink id={job.retriedAsId} testId="job-retried-as" />
        </span>
      )}
    </p>
  );
}
