import { messageOf } from '../../lib/errors';
import { dateTime } from '../../lib/format';
import { StatusBadge } from '../StateBadge';
import { useQueueStatus, useQueueStatuses } from './useQueueStatuses';
import './Queues.css';

/** "paused", with who and why on hover; nothing when the queue runs. */
export function QueuePausedBadge({ queue, testId = 'queue-paused' }: { queue: string; testId?: string }) {
  const status = useQueueStatus(queue);
  if (!status?.paused) return null;
  return (
    <StatusBadge tone="warn" testId={testId} title={status.reason ?? 'paused'}>
      paused
    </StatusBadge>
  );
}

/** A queue's name with its paused badge, as the jobs table and the job page show it. */
export function QueueName({ queue }: { queue: string }) {
  return (
    <span className="queue-name">
      <span>{queue}</span>
      <QueuePausedBadge queue={queue} />
    </span>
  );
}

/** On a queue's card: "paused", by whom, why and since when; nothing while it runs. */
export function QueueStatusLine({ queue }: { queue: string }) {
  const { byName, query } = useQueueStatuses();
  const status = byName.get(queue);
  if (query.error && !query.data)
    return <p className="muted small">paused or not: unknown ({messageOf(query.error)})</p>;
  if (!status?.paused) return null;
  return (
    <p className="queue-paused-note" role="status">
      <StatusBadge tone="warn" testId="queue-paused">
        paused
      </StatusBadge>
      <span className="small" data-testid="queue-paused-reason">
        {status.reason ?? 'no reason recorded'}
        {status.changedAt && <span className="muted"> · since {dateTime(status.changedAt)}</span>}
      </span>
    </p>
  );
}

/** On the job page: a live job of a paused queue does not move until the queue is resumed. */
export function QueuePausedNotice({ queue, live }: { queue: string; live: boolean }) {
  const status = useQueueStatus(queue);
  if (!status?.paused || !live) return null;
  return (
    <p className="notice notice-inline" role="status" data-testid="job-queue-paused">
      Queue <code>{queue}</code> is paused ({status.reason ?? 'no reason recorded'}): no activity of this job starts
      until it is resumed.
    </p>
  );
}
