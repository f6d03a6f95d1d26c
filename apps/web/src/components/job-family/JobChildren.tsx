import { Link } from 'react-router';
import type { JobDetail } from '../../trpc';
import { DataTable } from '../DataTable';
import { StateBadge } from '../StateBadge';

/** The jobs this one started (a flow's nodes, or children of runChildJob): the first 100, oldest first. */
export function JobChildren({ job }: { job: Pick<JobDetail, 'children' | 'childCount'> }) {
  if (job.childCount === 0) return null;
  return (
    <section className="panel" aria-labelledby="children-title" data-testid="job-children">
      <h2 id="children-title">
        Children{' '}
        <span className="muted small">
          {job.childCount > job.children.length
            ? `the first ${job.children.length} of ${job.childCount}`
            : job.childCount}
        </span>
      </h2>
      <DataTable label="Children" testId="job-children-table" cards={false} columns={['Job', 'Type', 'State', 'Node']}>
        {job.children.map((child) => (
          <tr key={child.id} data-testid="job-child" data-job-id={child.id}>
            <td className="mono id-cell">
              <Link to={`/jobs/${encodeURIComponent(child.id)}`} title={child.id}>
                {child.id}
              </Link>
            </td>
            <td>
              <code>{child.type}</code>
            </td>
            <td>
              <StateBadge state={child.state} />
            </td>
            <td>{child.flowNode ? <code>{child.flowNode}</code> : <span className="muted">—</span>}</td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
