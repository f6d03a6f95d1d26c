import { DataTable } from '../../components/DataTable';
import { RelativeTime } from '../../components/RelativeTime';
import { Sparkline } from '../../components/Sparkline';
import { StatusBadge } from '../../components/StateBadge';
import { bytes, figure } from '../../lib/format';
import type { Machines } from './insight-types';
import { SourceSection } from './MachineParts';

type Worker = Machines['workers']['items'][number];

const COLUMNS = ['Worker', 'CPU', 'Memory', 'Event loop', 'Slots', 'Jobs done', 'Last seen', 'CPU history'];

function WorkerRow({ worker }: { worker: Worker }) {
  return (
    <tr data-testid="machine-worker" data-stale={worker.stale} className={worker.stale ? 'row-stale' : undefined}>
      <td className="row-name" data-label="Worker">
        <code title={`pid ${worker.pid} on ${worker.host}`}>{worker.id}</code>
      </td>
      <td className="num" data-label="CPU">
        {figure(worker.cpuPercent)} %
      </td>
      <td className="num" data-label="Memory">
        {bytes(worker.rssBytes)}
        <span className="small muted"> (heap {bytes(worker.heapUsedBytes)})</span>
      </td>
      <td className="num" data-label="Event loop">
        <span title="event-loop delay p50 / p99">
          {figure(worker.eventLoopDelayMs.p50)} / {figure(worker.eventLoopDelayMs.p99)} ms
        </span>
      </td>
      <td data-label="Slots">
        <ul className="slot-list">
          {worker.queues.map((queue) => (
            <li key={queue.name} className="small">
              <code>{queue.name}</code> {queue.slotsUsed} of {queue.slotsUsed + queue.slotsAvailable}
            </li>
          ))}
        </ul>
      </td>
      <td className="num" data-label="Jobs done">
        {worker.jobsDone}
      </td>
      <td data-label="Last seen">
        <RelativeTime iso={worker.lastSeenAt} past />
        {worker.stale && (
          <>
            {' '}
            <StatusBadge tone="warn" testId="worker-stale">
              stale
            </StatusBadge>
          </>
        )}
      </td>
      <td data-label="CPU history">
        <Sparkline
          series={[{ values: worker.history.map((point) => point.cpuPercent), tone: 'active' }]}
          label={`CPU of ${worker.id}, last ${worker.history.length} reports`}
          width={100}
          height={24}
        />
      </td>
    </tr>
  );
}

/** Each worker process as it reports itself every few seconds; one that stopped reporting is marked stale. */
export function WorkersPanel({ workers, note }: { workers: Machines['workers']; note?: string }) {
  return (
    <SourceSection title="Workers" id="machine-workers-title" source={workers} testId="machines-workers">
      {workers.items.length === 0 ? (
        <p className="empty">No worker has reported.</p>
      ) : (
        <DataTable label="Worker processes" testId="machine-workers-table" columns={COLUMNS}>
          {workers.items.map((worker) => (
            <WorkerRow key={worker.id} worker={worker} />
          ))}
        </DataTable>
      )}
      {note && <p className="small muted">{note}</p>}
    </SourceSection>
  );
}
