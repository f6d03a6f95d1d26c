import { Link } from 'react-router';
import { DataTable } from '../../components/DataTable';
import { RefreshError } from '../../components/ItemState';
import { ListState } from '../../components/ListState';
import { RelativeTime } from '../../components/RelativeTime';
import { StateBadge } from '../../components/StateBadge';
import { duration } from '../../lib/format';
import type { WindowInput } from './insight-filter';
import type { Performance } from './insight-types';
import { PerfTable } from './PerfTable';
import { usePerformance } from './use-insight';

function Slowest({ jobs }: { jobs: Performance['slowest'] }) {
  if (!jobs.length) return null;
  return (
    <>
      <h3 id="slowest-title">Slowest jobs</h3>
      <DataTable
        label="Slowest jobs"
        testId="slowest-table"
        columns={['Job', 'Type', 'Queue', 'State', 'Ran', 'Finished']}
      >
        {jobs.map((job) => (
          <tr key={job.id} data-testid="slow-job">
            <td className="mono id-cell" data-label="Job">
              <Link to={`/jobs/${encodeURIComponent(job.id)}`} title={job.id}>
                {job.id}
              </Link>
            </td>
            <td data-label="Type">{job.type}</td>
            <td data-label="Queue">{job.queue}</td>
            <td data-label="State">
              <StateBadge state={job.state} />
            </td>
            <td className="num" data-label="Ran">
              {duration(job.runMs)}
            </td>
            <td data-label="Finished">
              <RelativeTime iso={job.finishedAt} past />
            </td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}

/** How long jobs waited and ran in the window, per type and per queue, and the slowest of them. */
export function PerformanceSection({ input }: { input: WindowInput | null }) {
  const performance = usePerformance(input);
  return (
    <section className="panel insight-section" aria-labelledby="performance-title" data-testid="insight-performance">
      <h2 id="performance-title">Performance</h2>
      {performance.data && <RefreshError query={performance} />}
      <ListState
        query={performance}
        noun="durations"
        isEmpty={(data) => data.byType.length === 0}
        empty={
          <p className="empty" data-testid="performance-empty">
            No job ended in this window: nothing to measure.
          </p>
        }
      >
        {(data) => (
          <div className={performance.isPlaceholderData ? 'stale' : undefined}>
            <p className="small muted">
              Percentiles come from duration histograms: within ±{(data.percentileError * 100).toFixed(1)} %.
            </p>
            <h3>Per job type</h3>
            <PerfTable rows={data.byType} label="Durations per job type" testId="perf-by-type" />
            <h3>Per queue</h3>
            <PerfTable rows={data.byQueue} label="Durations per queue" testId="perf-by-queue" />
            <Slowest jobs={data.slowest} />
          </div>
        )}
      </ListState>
    </section>
  );
}
