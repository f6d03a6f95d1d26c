import { Link } from 'react-router';
import { FLOW_JOB_TYPE } from '@jobdeck/workflows/vocabulary';
import type { JobDetail } from '../../trpc';

/** The flow type: a flow's page is /flows/:id, its jobs link there rather than to the flow's own job page. */

/**
 * Where a job comes from, on its page: "Part of flow X, node key" for a flow's job, "Child of job X"
 * for one started by another job's code; and for a flow itself, the way to its graph.
 */
export function JobParent({ job }: { job: Pick<JobDetail, 'id' | 'type' | 'parentId' | 'parentType' | 'flowNode'> }) {
  if (job.type === FLOW_JOB_TYPE)
    return (
      <p className="lineage" data-testid="job-flow">
        <span>
          this job runs a flow: <Link to={`/flows/${encodeURIComponent(job.id)}`}>open the flow&apos;s graph</Link>
        </span>
      </p>
    );
  if (!job.parentId) return null;
  const inFlow = job.parentType === FLOW_JOB_TYPE || job.flowNode !== null;
  return (
    <p className="lineage" data-testid="job-parent">
      {inFlow ? (
        <span>
          Part of flow{' '}
          <Link to={`/flows/${encodeURIComponent(job.parentId)}`} className="mono" data-testid="job-parent-link">
            {job.parentId}
          </Link>
          {job.flowNode && (
            <>
              , node <code data-testid="job-flow-node">{job.flowNode}</code>
            </>
          )}
        </span>
      ) : (
        <span>
          Child of job{' '}
          <Link to={`/jobs/${encodeURIComponent(job.parentId)}`} className="mono" data-testid="job-parent-link">
            {job.parentId}
          </Link>
          {job.parentType && <span className="muted"> ({job.parentType})</span>}
        </span>
      )}
    </p>
  );
}
