import { useState } from 'react';
import { StartFlowDialog } from '../../components/flows/StartFlowDialog';
import { FlowsTable } from '../../components/flows/FlowsTable';
import { ListFooter } from '../../components/ListFooter';
import { ListState } from '../../components/ListState';
import { Options } from '../../components/Options';
import { usePollInterval } from '../../live';
import { plural } from '../../lib/format';
import { usePermissions } from '../../lib/permissions';
import { JOB_STATES, stateLabel } from '../../lib/states';
import { useFlowList, type FlowListFilter } from '../../lib/useFlowList';
import { useUrlFilter } from '../../lib/useUrlFilter';

function useFilter() {
  return useUrlFilter(['state'] as const, (value): FlowListFilter => {
    const state = value('state');
    return { state: JOB_STATES.includes(state as never) ? (state as FlowListFilter['state']) : undefined };
  });
}

/** Every flow, newest first: its state, its jobs by state, the nodes that failed; operators start new ones here. */
export function FlowsPage() {
  const [filter, setFilter] = useFilter();
  const interval = usePollInterval(true, { polling: 2_500, live: 15_000 });
  const list = useFlowList(filter, interval);
  const flows = list.data?.pages.flatMap((page) => page.items) ?? [];
  const { canOperate } = usePermissions();
  const [starting, setStarting] = useState(false);

  return (
    <div className="page">
      <div className="page-header">
        <h1>Flows</h1>
        {canOperate && (
          <div className="page-actions">
            <button
              type="button"
              className="button button-primary"
              onClick={() => setStarting(true)}
              data-testid="flow-start"
            >
              Start a flow
            </button>
          </div>
        )}
      </div>
      <p className="muted small">
        A flow runs jobs in the order of its graph, as a Temporal workflow (<code>flow.run</code>) whose children are
        ordinary jobs: each node&apos;s jobs are also in the Jobs list.
      </p>
      <section className="panel">
        <div className="filters" role="search" data-testid="flow-filters">
          <label className="field field-inline">
            <span>State</span>
            <select
              value={filter.state ?? ''}
              onChange={(event) => setFilter({ state: (event.target.value || undefined) as FlowListFilter['state'] })}
              data-testid="flow-filter-state"
            >
              <option value="">any</option>
              <Options options={JOB_STATES.map((state) => ({ value: state, label: stateLabel(state) }))} />
            </select>
          </label>
        </div>
        <ListState
          query={list}
          select={() => flows}
          noun="flows"
          loadingRows={4}
          empty={
            <p className="empty" data-testid="flows-empty">
              No flows{filter.state ? ' in this state' : ' yet'}.
            </p>
          }
        >
          {(rows) => (
            <div className={list.isPlaceholderData ? 'stale' : undefined}>
              <FlowsTable flows={rows} />
            </div>
          )}
        </ListState>
        <ListFooter
          shown={`${plural(flows.length, 'flow')} shown`}
          error={list.data && list.error}
          errorTitle="Could not refresh"
          onRetry={() => void list.refetch()}
          hasMore={list.hasNextPage}
          loadingMore={list.isFetchingNextPage}
          onMore={() => void list.fetchNextPage()}
          moreTestId="flows-load-more"
        />
      </section>
      {starting && <StartFlowDialog onClose={() => setStarting(false)} />}
    </div>
  );
}
