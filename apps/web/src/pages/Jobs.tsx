import { useEffect, useState } from 'react';
import { BulkBar } from '../components/bulk/BulkBar';
import { EnqueueForm } from '../components/EnqueueForm';
import { ErrorBox } from '../components/ErrorBox';
import { JobFilters } from '../components/JobFilters';
import { JobsTable } from '../components/JobsTable';
import { ListFooter } from '../components/ListFooter';
import { ListState } from '../components/ListState';
import { Loading } from '../components/Loading';
import { usePollInterval } from '../live';
import { plural } from '../lib/format';
import { usePermissions } from '../lib/permissions';
import { JOB_STATES, BUCKETS } from '../lib/states';
import { hasFilter, useJobList, type JobFilter, type JobListFilter } from '../lib/useJobList';
import { useUrlFilter } from '../lib/useUrlFilter';
import { trpc } from '../trpc';
import { ToggleButton } from '../components/ToggleButton';

const FILTER_KEYS = ['state', 'bucket', 'type', 'queue', 'superseded'] as const;

function useFilter() {
  return useUrlFilter(FILTER_KEYS, (value): JobListFilter => {
    const state = value('state');
    const bucket = value('bucket');
    return {
      state: JOB_STATES.includes(state as never) ? (state as JobFilter['state']) : undefined,
      bucket: BUCKETS.some((entry) => entry.key === bucket) ? (bucket as JobFilter['bucket']) : undefined,
      type: value('type'),
      queue: value('queue'),
      superseded: value('superseded') === 'shown' ? 'shown' : undefined,
    };
  });
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
        <ToggleButton open={open} onToggle={setOpen} label="Enqueue job" testId="enqueue-toggle" />
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
  const [listFilter, setFilter] = useFilter();
  // Bulk actions by filter never touch superseded originals, so their filter has no such key.
  const { superseded: _shown, ...filter } = listFilter;
  const interval = usePollInterval(true, { polling: 2_500, live: 20_000 });
  const list = useJobList(listFilter, interval);
  const stats = trpc.jobs.stats.useQuery(undefined, { staleTime: 30_000 });
  const types = stats.data?.types.map((group) => group.name) ?? [];
  const queues = stats.data?.queues.map((group) => group.name) ?? [];
  const jobs = list.data?.pages.flatMap((page) => page.items) ?? [];
  const source = list.data?.pages[0]?.source;
  const { canOperate } = usePermissions();
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const filterKey = JSON.stringify(listFilter);
  // A selection belongs to the list it was made in.
  useEffect(() => setSelected(new Set()), [filterKey]);

  return (
    <div className="page">
      <div className="page-header">
        <h1>Jobs</h1>
      </div>
      <EnqueuePanel />
      <section className="panel">
        <JobFilters filter={listFilter} types={types} queues={queues} onChange={setFilter} />
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
        <ListState
          query={list}
          select={() => jobs}
          noun="jobs"
          loadingRows={5}
          empty={
            <p className="empty" data-testid="jobs-empty">
              No jobs{hasFilter(filter) ? ' match these filters' : ' yet'}.
            </p>
          }
        >
          {(rows) => (
            <div className={list.isPlaceholderData ? 'stale' : undefined}>
              <JobsTable
                jobs={rows}
                actions={canOperate}
                selection={canOperate ? { selected, onChange: setSelected } : undefined}
              />
            </div>
          )}
        </ListState>
        <ListFooter
          shown={`${plural(jobs.length, 'job')} shown`}
          error={list.data && list.error}
          errorTitle="Could not refresh"
          onRetry={() => void list.refetch()}
          hasMore={list.hasNextPage}
          loadingMore={list.isFetchingNextPage}
          onMore={() => void list.fetchNextPage()}
          moreTestId="load-more"
        />
      </section>
    </div>
  );
}
