import { DataTable } from '../../components/DataTable';
import { Sparkline } from '../../components/Sparkline';
import { duration, figure } from '../../lib/format';
import type { Machines } from './insight-types';
import { SourceSection } from './MachineParts';

type Queue = Machines['queues']['items'][number];
type Stats = Queue['workflow'];

const COLUMNS = ['Queue', 'Backlog', 'Oldest waiting', 'Added/s', 'Dispatched/s', 'Pollers', 'Backlog history'];

function byPriority(stats: Stats): string {
  return stats.byPriority.map((entry) => `priority ${entry.priority}: ${entry.backlogCount}`).join(', ');
}

function QueueRow({ queue }: { queue: Queue }) {
  const { workflow, activity } = queue;
  const priorities = [
    byPriority(workflow) && `workflow tasks ${byPriority(workflow)}`,
    byPriority(activity) && `activity tasks ${byPriority(activity)}`,
  ]
    .filter(Boolean)
    .join('; ');
  return (
    <tr data-testid="machine-queue" data-name={queue.name}>
      <td className="row-name" data-label="Queue">
        <code>{queue.name}</code>
      </td>
      <td className="num" data-label="Backlog" title={priorities || undefined}>
        <span data-testid="queue-backlog">{workflow.backlogCount + activity.backlogCount}</span>
        <span className="small muted">
          {' '}
          ({workflow.backlogCount} wf · {activity.backlogCount} act)
        </span>
      </td>
      <td className="num" data-label="Oldest waiting">
        {workflow.backlogCount + activity.backlogCount
          ? duration(Math.max(workflow.backlogAgeSeconds, activity.backlogAgeSeconds) * 1000)
          : '—'}
      </td>
      <td className="num" data-label="Added/s">
        {figure(workflow.addRatePerSecond + activity.addRatePerSecond)}
      </td>
      <td className="num" data-label="Dispatched/s">
        {figure(workflow.dispatchRatePerSecond + activity.dispatchRatePerSecond)}
      </td>
      <td data-label="Pollers">
        <span title={queue.pollers.map((poller) => `${poller.identity} (${poller.kind})`).join('\n')}>
          {queue.pollers.length}
        </span>
      </td>
      <td data-label="Backlog history">
        <Sparkline
          series={[{ values: queue.history.map((point) => point.backlog), tone: 'waiting' }]}
          label={`backlog of ${queue.name}, last ${queue.history.length} samples`}
          width={100}
          height={24}
        />
      </td>
    </tr>
  );
}

/** Temporal's view of each task queue: what waits, how fast it comes and goes, who polls. */
export function QueuesPanel({ queues }: { queues: Machines['queues'] }) {
  return (
    <SourceSection title="Queues" id="machine-queues-title" source={queues} testId="machines-queues">
      {queues.items.length === 0 ? (
        <p className="empty">No task queue known.</p>
      ) : (
        <DataTable label="Task queues" testId="machine-queues-table" columns={COLUMNS}>
          {queues.items.map((queue) => (
            <QueueRow key={queue.name} queue={queue} />
          ))}
        </DataTable>
      )}
    </SourceSection>
  );
}
