import { AlertsPanel } from '../components/AlertsPanel';
import { ErrorBox } from '../components/ErrorBox';
import { HealthBadges } from '../components/HealthBadges';
import { Loading } from '../components/Loading';
import { QueueControls } from '../components/queues/QueueControls';
import { QueueStatusLine } from '../components/queues/QueueStatus';
import { RelativeTime } from '../components/RelativeTime';
import { StatCard } from '../components/StatCard';
import { TypeTrend } from '../components/TypeTrend';
import { usePollInterval } from '../live';
import { useLiveCounts } from '../lib/live-counts';
import { useLiveQueueStats } from '../lib/live-queue-stats';
import { useLiveScope } from '../lib/live-scope';
import { trpc } from '../trpc';

export function OverviewPage() {
  const interval = usePollInterval(true, { polling: 3_000, live: 15_000 });
  // The counts change when a job appears, changes state or ends: neither progress nor logs matter here.
  // Queue events: a pause or resume shows at once, workers polling every few seconds.
  useLiveScope({ kinds: ['state', 'queue'] });
  const stats = trpc.jobs.stats.useQuery(undefined, { refetchInterval: interval });
  // Added, completed and failed jobs move the counts at once; the next poll has the last word.
  const counts = useLiveCounts(stats.data);
  const health = trpc.system.health.useQuery(undefined, { refetchInterval: 15_000 });
  const types = trpc.jobs.types.useQuery(undefined, { staleTime: 10 * 60_000 });
  // Each type's last 24 hours and next scheduled runs: hourly figures, asked again every minute.
  const trends = trpc.insight.overview.useQuery(undefined, { refetchInterval: 60_000 });
  const utils = trpc.useUtils();
  const refreshing = stats.isFetching || health.isFetching;

  const refresh = () => {
    void utils.jobs.stats.invalidate();
    void utils.system.health.invalidate();
    void utils.insight.overview.invalidate();
  };

  const descriptions = new Map(types.data?.map((type) => [type.type, type]) ?? []);
  const workersByQueue = new Map(health.data?.queues.map((queue) => [queue.name, queue]) ?? []);
  const liveQueues = useLiveQueueStats(health.data?.checkedAt);
  const trendsByType = new Map(trends.data?.types.map((type) => [type.type, type]) ?? []);

  return (
    <div className="page">
      <div className="page-header">
        <h1>Overview</h1>
        <div className="page-actions">
          {stats.data && (
            <span className="muted small" data-testid="last-updated">
              last updated <RelativeTime iso={stats.data.updatedAt} past />
            </span>
          )}
          <button type="button" className="button" onClick={refresh} disabled={refreshing} data-testid="refresh">
            {refreshing ? 'Refreshing…' : 'Refresh'}
          </button>
        </div>
      </div>

      <section aria-labelledby="health-title" className="section">
        <h2 id="health-title" className="visually-hidden">
          Health
        </h2>
        {health.error ? (
          <ErrorBox error={health.error} title="Health check failed" onRetry={() => void health.refetch()} />
        ) : health.data ? (
          <HealthBadges health={health.data} />
        ) : (
          <Loading rows={1} label="Checking health…" />
        )}
      </section>

      <AlertsPanel />

      <section aria-labelledby="types-title" className="section">
        <h2 id="types-title">Job types</h2>
        {stats.error && !stats.data ? (
          <ErrorBox error={stats.error} title="Could not load the counts" onRetry={() => void stats.refetch()} />
        ) : !counts ? (
          <Loading label="Counting jobs…" />
        ) : (
          <div className="card-grid">
            {counts.types.map((group) => {
              const info = descriptions.get(group.name);
              const trend = trendsByType.get(group.name);
              return (
                <StatCard
                  key={group.name}
                  group={group}
                  by="type"
                  testId="type-card"
                  subtitle={
                    info ? (
                      <>
                        queue <code>{info.queue}</code> · {info.description}
                      </>
                    ) : undefined
                  }
                >
                  {trend && <TypeTrend overview={trend} schedulesKnown={trends.data?.schedulesAvailable ?? true} />}
                </StatCard>
              );
            })}
          </div>
        )}
      </section>

      <section aria-labelledby="queues-title" className="section">
        <h2 id="queues-title">Queues</h2>
        {counts && (
          <div className="card-grid">
            {counts.queues.map((group) => {
              const queue = workersByQueue.get(group.name);
              const workers = liveQueues.get(group.name)?.workers ?? queue?.workers;
              return (
                <StatCard
                  key={group.name}
                  group={group}
                  by="queue"
                  testId="queue-card"
                  subtitle={
                    workers === undefined ? (
                      health.data ? (
                        'workers unknown (not a default queue)'
                      ) : (
                        'checking workers…'
                      )
                    ) : (
                      <span title={queue?.identities.join(', ')}>
                        {workers} worker{workers === 1 ? '' : 's'} polling
                      </span>
                    )
                  }
                  warning={workers === 0 && health.data?.temporal.ok ? 'no workers polling' : undefined}
                  status={<QueueStatusLine queue={group.name} />}
                >
                  <QueueControls queue={group.name} />
                </StatCard>
              );
            })}
          </div>
        )}
      </section>
    </div>
  );
}
