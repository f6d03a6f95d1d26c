import type { JobDetail } from '../trpc';
import { DataTable } from './DataTable';
import { RelativeTime } from './RelativeTime';

export function PendingActivities({ activities }: { activities: JobDetail['pendingActivities'] }) {
  if (!activities.length) return <p className="muted">None: no activity is scheduled or running.</p>;
  return (
    <DataTable
      label="Pending activities"
      testId="pending-activities"
      cards={false}
      columns={['Activity', 'State', 'Attempt', 'Last heartbeat', 'Next attempt', 'Last failure']}
    >
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
    </DataTable>
  );
}
