import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { BulkBar } from '../components/BulkBar';
import { EnqueueForm } from '../components/EnqueueForm';
import { ErrorBox } from '../components/ErrorBox';
import { JobFilters } from '../components/JobFilters';
import { JobsTable } from '../components/JobsTable';
import { Loading } from '../components/Loading';
import { usePollInterval } from '../live';
import { usePermissions } from '../lib/permissions';
import { JOB_STATES, BUCKETS } from '../lib/states';
import { useJobList, type JobFilter } from '../lib/useJobList';
import { trpc } from '../trpc';

/** Filters live in the query string, so a filtered table can be bookmarked and shared. */
function useFilter(): [JobFilter, (next: JobFilter) => void] {
  const [params, setParams] = useSearchParams();
  const state = params.get('state');
  const bucket = params.get('bucket');
  const filter: JobFilter = {
    state: JOB_STATES.includes(state as never) ? (state as JobFilter['state']) : undefined,
    bucket: BUCKETS.some((entry) => entry.key === bucket) ? (bucket as JobFilter['bucket']) : undefined,
    type: params.get('type') || undefined,
    queue: params.get('queue') || undefined,
  };
  const setFilter = (next: JobFilter) => {
    const search = new URLSearchParams();
    for (const key of ['state', 'bucket', 'type', 'queue'] as const) if (next[key]) search.set(key, next[key]!);
    setParams(search, { replace: true });
  };
  return [filter, setFilter];
}

function EnqueuePanel() {
  const me = trpc.auth.me.useQuery(undefined, { staleTime: 5 * 60_000 });
  const types = trpc.jobs.types.useQuery(undefined, { staleTime: 10 * 60_000 });
  const [open, setOpen] = useState(false);
  if (!me.data) return null;
  if (me.data.role === 'viewer') {
    return (
      <p className="note" data-testid="enqueue-viewer-note">
        You are signed in as a viewer: enqueueing jobs needs the operator role.
      </p>
    );
  }
  return (
    <section className="panel" aria-labelledby="enqueue-title">
      <div className="panel-header">
        <h2 id="enqueue-title">Enqueue a job</h2>
        <button
          type="button"
          className="button"
          aria-expanded={open}
          onClick={() => setOpen((value) => !value)}
          data-testid="enqueue-toggle"
        >
          {open ? 'Close' : 'Enqueue job'}
        </button>
      </div>
      {open &&
        (types.error ? (
          <ErrorBox error={types.error} title="Could not load the job types" onRetry={() => void types.refetch()} />
        ) : types.data ? (
          <EnqueueForm types={types.data} />
        ) : (
          <Loading rows={2} />
        ))}
    </section>
  );
}

export function JobsPage() {
  const [filter, setFilter] = useFilter();
  const interval = usePollInterval(true, { polling: 2_500, live: 20_000 });
  const list = useJobList(filter, interval);
  const stats = trpc.jobs.stats.useQuery(undefined, { staleTime: 30_000 });
  const types = stats.data?.types.map((group) => group.name) ?? [];
  const queues = stats.data?.queues.map((group) => group.name) ?? [];
  const jobs = list.data?.pages.flatMap((page) => page.items) ?? [];
  const source = list.data?.pages[0]?.source;
  const { canOperate } = usePermissions();
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const filterKey = JSON.stringify(filter);
  // A selection belongs to the list it was made in.
  useEffect(() => setSelected(new Set()), [filterKey]);

  return (
    <div className="page">
      <div className="page-header">
        <h1>Jobs</h1>
      </div>
      <EnqueuePanel />
      <section className="panel">
        <JobFilters filter={filter} types={types} queues={queues} onChange={setFilter} />
        {source === 'postgres' && (
          <p className="notice notice-inline" role="status">
            Temporal is unreachable: this list comes from Postgres and may lag behind.
          </p>
        )}
        {canOperate && list.data && (jobs.length > 0 || selected.size > 0) && (
          <BulkBar
            selected={[...selected]}
            filter={filter}
            onDone={() => setSelected(new Set())}
            onClear={() => setSelected(new Set())}
          />
        )}
        {list.error && !list.data ? (
          <ErrorBox error={list.error} title="Could not load jobs" onRetry={() => void list.refetch()} />
        ) : !list.data ? (
          <Loading label="Loading jobs…" rows={5} />
        ) : jobs.length === 0 ? (
          <p className="empty" data-testid="jobs-empty">
            No jobs{filter.state || filter.bucket || filter.type || filter.queue ? ' match these filters' : ' yet'}.
          </p>
        ) : (
          <div className={list.isPlaceholderData ? 'stale' : undefined}>
            <JobsTable
              jobs={jobs}
              actions={canOperate}
              selection={canOperate ? { selected, onChange: setSelected } : undefined}
            />
          </div>
        )}
        {list.error && list.data && (
          <ErrorBox error={list.error} title="Could not refresh" onRetry={() => void list.refetch()} />
        )}
        <div className="table-footer">
          <span className="muted small">
            {jobs.length} job{jobs.length === 1 ? '' : 's'} shown
          </span>
          {list.hasNextPage && (
            <button
              type="button"
              className="button"
              onClick={() => void list.fetchNextPage()}
              disabled={list.isFetchingNextPage}
              data-testid="load-more"
            >
              {list.isFetchingNextPage ? 'Loading…' : 'Load more'}
            </button>
          )}
        </div>
      </section>
    </div>
  );
}
