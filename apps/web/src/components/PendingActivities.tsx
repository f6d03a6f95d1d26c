import type { JobDetail } from '../trpc';
import { RelativeTime } from './RelativeTime';

export function PendingActivities({ activities }: { activities: JobDetail['pendingActivities'] }) {
  if (!activities.length) return <p className="muted">None: no activity is scheduled or running.</p>;
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label="Pending activities">
      <table className="table" data-testid="pending-activities">
        <thead>
          <tr>
            <th scope="col">Activity</th>
            <th scope="col">State</th>
            <th scope="col">Attempt</th>
            <th scope="col">Last heartbeat</th>
            <th scope="col">Next attempt</th>
            <th scope="col">Last failure</th>
          </tr>
        </thead>
        <tbody>
          {activities.map((activity, index) => (
            <tr key={`${activity.activityType}-${index}`}>
              <td className="mono">{activity.activityType}</td>
              <td>{activity.state.toLowerCase().replace('_', ' ')}</td>
              <td>
                {activity.attempt}
                {activity.maximumAttempts ? ` of ${activity.maximumAttempts}` : ''}
              </td>
              <td>
                <RelativeTime iso={activity.lastHeartbeatAt} past />
              </td>
              <td>
                <RelativeTime iso={activity.nextAttemptAt} />
              </td>
              <td className="failure-cell">{activity.lastFailure ?? <span className="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
