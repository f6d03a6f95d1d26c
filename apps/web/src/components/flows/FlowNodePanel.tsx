import { useState } from 'react';
import { Link } from 'react-router';
import { usePermissions } from '../../lib/permissions';
import { isLive } from '../../lib/states';
import { DataTable } from '../DataTable';
import { JsonBlock } from '../JsonBlock';
import { ProgressBar } from '../ProgressBar';
import { RelativeTime } from '../RelativeTime';
import { StateBadge, ToneBadge } from '../StateBadge';
import { nodeTone } from './flow-states';
import type { FlowDetail, FlowNodeView } from './FlowNodeCard';
import { RetryNodeDialog } from './RetryNodeDialog';

function NodeJobs({ node }: { node: FlowNodeView }) {
  if (!node.jobs.length) return <p className="muted">No job yet: the node has not started.</p>;
  return (
    <DataTable
      label={`Jobs of node ${node.key}`}
      testId="flow-node-jobs"
      columns={['Job', 'State', 'Progress', 'Started', 'Finished', 'Error']}
    >
      {node.jobs.map((job) => (
        <tr key={job.id} data-testid="flow-node-job" data-job-id={job.id}>
          <td className="mono id-cell" data-label="Job">
            <Link to={`/jobs/${encodeURIComponent(job.id)}`} title={job.id}>
              {job.id}
            </Link>
            {job.item !== null && <div className="muted small">item {job.item}</div>}
          </td>
          <td data-label="State">
            <StateBadge state={job.state} />
          </td>
          <td className="progress-cell" data-label="Progress">
            <ProgressBar
              percent={job.state === 'completed' ? 100 : job.progressPercent}
              state={job.state}
              compact
              label={`progress of ${job.id}`}
            />
          </td>
          <td data-label="Started">
            <RelativeTime iso={job.startedAt} past />
          </td>
          <td data-label="Finished">
            <RelativeTime iso={job.finishedAt} past />
          </td>
          <td className="failure-cell" data-label="Error">
            {job.error ?? <span className="muted">—</span>}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

/** The chosen node: its state, error and jobs (each a link to its page), and Retry node when it failed. */
export function FlowNodePanel({ flow, node }: { flow: FlowDetail; node: FlowNodeView | undefined }) {
  const { canOperate } = usePermissions();
  const [retrying, setRetrying] = useState(false);
  if (!node)
    return (
      <section className="panel" aria-label="Node">
        <p className="muted">Choose a node in the graph to see its jobs.</p>
      </section>
    );
  const retryable = canOperate && node.state === 'failed' && isLive(flow.state);
  return (
    <section className="panel" aria-labelledby="node-title" data-testid="flow-node-panel" data-node={node.key}>
      <div className="panel-header">
        <h2 id="node-title">
          Node <code>{node.key}</code>{' '}
          <ToneBadge tone={nodeTone(node.state)} state={node.state} label={node.state} testId="flow-node-state" />
        </h2>
        {retryable && (
          <button
            type="button"
            className="button button-primary"
            onClick={() => setRetrying(true)}
            data-testid="flow-retry-node"
          >
            Retry node
          </button>
        )}
      </div>
      <p className="muted small">
        <code>{node.type}</code>
        {node.fanOut && ' · fan-out'}
        {node.continueOnFailure && ' · continues on failure'}
        {node.attempt > 1 && ` · attempt ${node.attempt}`}
      </p>
      {node.error && (
        <p className="error-message" data-testid="flow-node-error">
          {node.error}
        </p>
      )}
      <NodeJobs node={node} />
      <details>
        <summary>Input (as declared)</summary>
        <JsonBlock value={node.input} testId="flow-node-input" />
      </details>
      {retrying && <RetryNodeDialog flowId={flow.id} node={node.key} onClose={() => setRetrying(false)} />}
    </section>
  );
}
