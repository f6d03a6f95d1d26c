import { useState } from 'react';
import { Link } from 'react-router';
import { RelativeTime } from '../../components/RelativeTime';
import { Sparkline } from '../../components/Sparkline';
import { plural } from '../../lib/format';
import { trpc } from '../../trpc';
import type { FailureGroup } from './insight-types';

const names = (entries: Array<{ name: string; count: number }>) =>
  entries.map((entry) => `${entry.name} (${entry.count})`).join(', ');

/** The latest job's error; its stack comes from the job's own page (jobs.get) once opened. */
function Latest({ latest }: { latest: NonNullable<FailureGroup['latest']> }) {
  const [open, setOpen] = useState(false);
  const job = trpc.jobs.get.useQuery({ id: latest.jobId }, { enabled: open, staleTime: 60_000 });
  const stack = job.data?.errorStack;
  return (
    <details
      className="failure-latest"
      data-testid="failure-latest"
      onToggle={(event) => setOpen(event.currentTarget.open)}
    >
      <summary>Latest error</summary>
      <p className="small">
        <Link to={`/jobs/${encodeURIComponent(latest.jobId)}`} className="mono">
          {latest.jobId}
        </Link>
        {latest.finishedAt && (
          <>
            {' '}
            · ended <RelativeTime iso={latest.finishedAt} past />
          </>
        )}
      </p>
      {latest.error && <pre className="code-block">{latest.error}</pre>}
      {stack && <pre className="code-block failure-stack">{stack}</pre>}
    </details>
  );
}

/** One cause of failure: what it says, how often, since when, where, and the jobs that show it. */
export function FailureGroupRow({ group, onRetry }: { group: FailureGroup; onRetry?: () => void }) {
  return (
    <tr data-testid="failure-group" data-fingerprint={group.fingerprint}>
      <td className="failure-cell" data-label="Failure">
        <code className="failure-type">{group.errorType}</code>
        <p className="failure-message" data-testid="failure-message">
          {group.message}
        </p>
        {group.latest && <Latest latest={group.latest} />}
      </td>
      <td className="num" data-label="Count">
        <strong data-testid="failure-count">{group.count}</strong>
        {group.everSeen && group.everSeen.count !== group.count && (
          <span className="small muted" title={`first seen ${new Date(group.everSeen.firstSeenAt).toLocaleString()}`}>
            {' '}
            ({group.everSeen.count} ever)
          </span>
        )}
      </td>
      <td data-label="Seen">
        <span className="small">
          first <RelativeTime iso={group.firstSeenAt} past />
          <br />
          last <RelativeTime iso={group.lastSeenAt} past />
        </span>
      </td>
      <td data-label="Where">
        <span className="small">
          {names(group.types)}
          <br />
          <span className="muted">queue {names(group.queues)}</span>
        </span>
      </td>
      <td data-label="Trend">
        <Sparkline
          series={[{ values: group.trend, tone: 'failed' }]}
          label={`${plural(group.count, 'failure')} over the window: ${group.trend.join(', ')} per bucket`}
          width={100}
          height={24}
        />
      </td>
      <td data-label="Samples">
        <ul className="sample-links">
          {group.sampleJobIds.map((id) => (
            <li key={id}>
              <Link
                to={`/jobs/${encodeURIComponent(id)}`}
                className="mono small"
                title={id}
                data-testid="failure-sample"
              >
                {id}
              </Link>
            </li>
          ))}
        </ul>
      </td>
      {onRetry && (
        <td className="actions-cell" data-label="Actions">
          <button
            type="button"
            className="button button-small"
            onClick={onRetry}
            data-testid="retry-group"
            aria-label={`Retry group: ${group.errorType} ${group.message}`}
          >
            Retry group
          </button>
        </td>
      )}
    </tr>
  );
}
