import { useState } from 'react';
import { Link } from 'react-router';
import { usePermissions } from '../../lib/permissions';
import { isLive } from '../../lib/states';
import { Countdown } from '../Countdown';
import { StateBadge, StatusBadge } from '../StateBadge';
import { CancelFlowDialog } from './CancelFlowDialog';
import { statusAddsToState, statusLabel, statusTone } from './flow-states';
import type { FlowDetail } from './FlowNodeCard';

/** The flow's name, state and status (with the retry window's end while it waits for one), and Cancel flow. */
export function FlowHeader({ flow }: { flow: FlowDetail }) {
  const { canOperate } = usePermissions();
  const [cancelling, setCancelling] = useState(false);
  return (
    <div className="page-header job-header">
      <div className="job-title">
        <p className="breadcrumbs">
          <Link to="/flows">Flows</Link> / <span className="mono">{flow.id}</span>
        </p>
        <h1 data-testid="flow-name">{flow.name}</h1>
        <p className="muted small">
          requested by {flow.requestedBy ?? '—'} · on failure <code>{flow.onFailure}</code> · job{' '}
          <Link to={`/jobs/${encodeURIComponent(flow.id)}`} className="mono" data-testid="flow-job-link">
            {flow.id}
          </Link>
        </p>
      </div>
      <div className="job-header-side">
        <div className="flow-badges">
          <StateBadge state={flow.state} testId="flow-state" large />
          {statusAddsToState(flow.status, flow.state) && (
            <StatusBadge tone={statusTone(flow.status)} testId="flow-status">
              {statusLabel(flow.status)}
            </StatusBadge>
          )}
        </div>
        {canOperate && isLive(flow.state) && (
          <button
            type="button"
            className="button button-danger-outline"
            onClick={() => setCancelling(true)}
            data-testid="flow-cancel"
          >
            Cancel flow
          </button>
        )}
      </div>
      {flow.status === 'waiting_for_retry' && (
        <p className="notice notice-inline" role="status" data-testid="flow-waiting">
          A node failed: retry it before the window ends (<Countdown iso={flow.retryDeadline} testId="flow-deadline" />
          ), or the flow fails.
        </p>
      )}
      {flow.error && !isLive(flow.state) && (
        <p className="error-message" data-testid="flow-error">
          {flow.error}
        </p>
      )}
      {cancelling && <CancelFlowDialog flowId={flow.id} onClose={() => setCancelling(false)} />}
    </div>
  );
}
