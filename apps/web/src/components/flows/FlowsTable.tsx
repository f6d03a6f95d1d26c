import { Link } from 'react-router';
import { JOB_STATES, toneOf } from '../../lib/states';
import type { RouterOutputs } from '../../trpc';
import { DataTable } from '../DataTable';
import { RelativeTime } from '../RelativeTime';
import { StateBadge, StatusBadge } from '../StateBadge';
import { statusLabel, statusTone } from './flow-states';
import './Flows.css';

export type FlowSummary = RouterOutputs['flows']['list']['items'][number];

/** A flow's jobs by state, the states it has none of left out: "3 completed · 1 failed". */
function JobCounts({ jobs }: { jobs: FlowSummary['jobs'] }) {
  const present = JOB_STATES.filter((state) => (jobs as Record<string, number>)[state]);
  if (!present.length) return <span className="muted">none yet</span>;
  return (
    <ul className="flow-counts" data-testid="flow-job-counts">
      {present.map((state) => (
        <li key={state} className={`flow-count tone-${toneOf(state)}`} data-state={state}>
          {(jobs as Record<string, number>)[state]} {state.replace('_', ' ')}
        </li>
      ))}
    </ul>
  );
}

export function FlowsTable({ flows }: { flows: FlowSummary[] }) {
  return (
    <DataTable
      label="Flows"
      testId="flows-table"
      columns={['Flow', 'State', 'Status', 'Jobs', 'Failed nodes', 'Started', 'Finished']}
    >
      {flows.map((flow) => (
        <tr key={flow.id} data-testid="flow-row" data-flow-id={flow.id}>
          <td data-label="Flow">
            <Link to={`/flows/${encodeURIComponent(flow.id)}`}>{flow.name}</Link>
            <div className="muted small mono clip" title={flow.id}>
              {flow.id}
            </div>
          </td>
          <td data-label="State">
            <StateBadge state={flow.state} />
          </td>
          <td data-label="Status">
            <StatusBadge tone={statusTone(flow.status)} testId="flow-status">
              {statusLabel(flow.status)}
            </StatusBadge>
          </td>
          <td data-label="Jobs">
            <span className="muted small">{flow.nodes} nodes</span>
            <JobCounts jobs={flow.jobs} />
          </td>
          <td data-label="Failed nodes">
            {flow.failedNodes.length ? (
              <span className="mono small">{flow.failedNodes.join(', ')}</span>
            ) : (
              <span className="muted">—</span>
            )}
          </td>
          <td data-label="Started">
            <RelativeTime iso={flow.startedAt ?? flow.createdAt} past />
          </td>
          <td data-label="Finished">
            <RelativeTime iso={flow.finishedAt} past />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
