import { RefreshError } from '../../components/ItemState';
import { ListState } from '../../components/ListState';
import { RelativeTime } from '../../components/RelativeTime';
import { QueuesPanel } from './QueuesPanel';
import { StoresPanel } from './StoresPanel';
import { useMachines } from './use-insight';
import { WorkersPanel } from './WorkersPanel';

/** The present, not the window: queues, workers, Redis and Postgres, asked every 5 s. */
export function MachinesSection() {
  const machines = useMachines();
  return (
    <section className="panel insight-section" aria-labelledby="machines-title" data-testid="insight-machines">
      <div className="panel-header">
        <h2 id="machines-title">Queues and machines</h2>
        {machines.data && (
          <span className="small muted">
            sampled <RelativeTime iso={machines.data.sampledAt} past />
          </span>
        )}
      </div>
      {machines.data && <RefreshError query={machines} />}
      <ListState query={machines} noun="machine figures" isEmpty={() => false} empty={null}>
        {(data) => (
          <>
            <QueuesPanel queues={data.queues} />
            <WorkersPanel
              workers={data.workers}
              note={
                data.temporalWorkerHeartbeats.supported
                  ? undefined
                  : `Temporal worker heartbeats: ${data.temporalWorkerHeartbeats.note}`
              }
            />
            <StoresPanel redis={data.redis} postgres={data.postgres} />
          </>
        )}
      </ListState>
    </section>
  );
}
