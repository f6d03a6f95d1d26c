import { Link } from 'react-router';
import { trpc } from '../trpc';
import { ErrorBox } from './ErrorBox';
import { RelativeTime } from './RelativeTime';
import './AlertsPanel.css';

/** Stuck jobs the maintenance.stuck-check schedule found; nothing at all when there are none. */
export function AlertsPanel() {
  const alerts = trpc.alerts.list.useQuery(undefined, { refetchInterval: 30_000 });
  if (alerts.error)
    return <ErrorBox error={alerts.error} title="Could not load the alerts" onRetry={() => void alerts.refetch()} />;
  if (!alerts.data?.length) return null;
  return (
    <section className="section" aria-labelledby="alerts-title" data-testid="alerts-panel">
      <h2 id="alerts-title">Stuck jobs</h2>
      <ul className="alert-list">
        {alerts.data.map((alert) => (
          <li
            key={alert.id}
            className={`alert alert-${alert.severity}`}
            data-testid="alert"
            data-severity={alert.severity}
          >
            <span className="alert-severity">{alert.severity}</span>
            <Link className="mono" to={`/jobs/${encodeURIComponent(alert.jobId)}`}>
              {alert.jobId}
            </Link>
            <span className="muted small">
              {alert.message} · quiet since <RelativeTime iso={alert.idleSince} past />
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
