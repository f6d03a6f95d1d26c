import { useInfiniteQuery } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { DataTable } from '../../components/DataTable';
import { AdminOnly } from '../../components/FormErrors';
import { ListFooter } from '../../components/ListFooter';
import { ListState } from '../../components/ListState';
import { Loading } from '../../components/Loading';
import { usePermissions } from '../../lib/permissions';
import { trpc } from '../../trpc';
import { isFiltered, useAuditFilter, type AuditFilter, type AuditInput } from './audit-filter';
import { AuditFilters } from './AuditFilters';
import { AuditRow, type AuditEntry } from './AuditRow';
import './Audit.css';

const PAGE_SIZE = 50;

interface AuditChunk {
  items: AuditEntry[];
  nextCursor: string | null;
}

/** The audit log under a filter, page after page by cursor. */
function useAuditLog(filter: AuditFilter, enabled: boolean) {
  const utils = trpc.useUtils();
  // Typed by hand (see AuditEntry): the inferred output type is too deep to check.
  const listAudit = utils.client.audit.list.query as unknown as (
    input: AuditInput,
    options: { signal: AbortSignal },
  ) => Promise<AuditChunk>;
  const input = { ...filter, limit: PAGE_SIZE };
  return useInfiniteQuery({
    queryKey: getQueryKey(trpc.audit.list, input, 'infinite'),
    queryFn: ({ pageParam, signal }) => listAudit({ ...input, cursor: pageParam ?? undefined }, { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    placeholderData: (previous) => previous,
    enabled,
    refetchOnWindowFocus: false,
  });
}

const COLUMNS = ['When', 'Actor', 'Action', 'Target', 'Outcome', 'Params', 'IP'];

export function AuditPage() {
  const { isAdmin, loading } = usePermissions();
  const [filter, setFilter] = useAuditFilter();
  const list = useAuditLog(filter, isAdmin);

  if (loading) return <Loading label="Loading…" rows={2} />;
  if (!isAdmin) return <AdminOnly title="Audit log" />;
  const rows = list.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <div className="page" data-testid="audit-page">
      <div className="page-header">
        <h1>Audit log</h1>
        <div className="page-actions">
          <button
            type="button"
            className="button"
            onClick={() => void list.refetch()}
            disabled={list.isFetching}
            data-testid="audit-refresh"
          >
            {list.isFetching && !list.isFetchingNextPage ? 'Refreshing…' : 'Refresh'}
          </button>
        </div>
      </div>
      <p className="muted page-intro">
        Every change made through the API, by whom, and how it ended; refusals too. Secrets in parameters are redacted.
      </p>
      <section className="panel">
        <AuditFilters filter={filter} onChange={setFilter} />
        <ListState
          query={list}
          select={() => rows}
          noun="audit log"
          loadingRows={5}
          empty={
            <p className="empty" data-testid="audit-empty">
              No entries{isFiltered(filter) ? ' match these filters' : ' yet'}.
            </p>
          }
        >
          {(entries) => (
            <DataTable
              label="Audit log"
              testId="audit-table"
              className="audit-table"
              columns={COLUMNS}
              stale={list.isPlaceholderData}
            >
              {entries.map((row) => (
                <AuditRow key={row.id} row={row} filter={filter} />
              ))}
            </DataTable>
          )}
        </ListState>
        <ListFooter
          shown={`${rows.length} entr${rows.length === 1 ? 'y' : 'ies'} shown`}
          error={list.data && list.error}
          onRetry={() => void list.refetch()}
          hasMore={list.hasNextPage}
          loadingMore={list.isFetchingNextPage}
          onMore={() => void list.fetchNextPage()}
          moreTestId="audit-load-more"
        />
      </section>
    </div>
  );
}
