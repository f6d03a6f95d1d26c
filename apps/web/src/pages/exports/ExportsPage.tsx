import { Link } from 'react-router';
import { ListFooter } from '../../components/ListFooter';
import { ListState } from '../../components/ListState';
import { useExports, type ExportRow } from '../../components/exports/use-exports';
import { plural } from '../../lib/format';
import { ExportsTable } from './ExportsTable';
import '../../components/exports/Exports.css';

/** Exports asked for from the Search page: running ones move on their own, finished ones have their file until it expires. */
export function ExportsPage() {
  const exports = useExports();
  const rows: ExportRow[] = exports.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <div className="page">
      <div className="page-header">
        <h1>Exports</h1>
      </div>
      <p className="page-intro muted">
        Exports of more rows than download at once run in the background; their files are kept here until they expire.
        Start one from <Link to="/search">Search</Link> with “Export…”.
      </p>
      <section className="panel">
        <ListState
          query={exports}
          select={() => rows}
          noun="exports"
          empty={
            <p className="empty" data-testid="exports-empty">
              No exports yet.
            </p>
          }
        >
          {(list) => <ExportsTable rows={list} />}
        </ListState>
        <ListFooter
          shown={`${plural(rows.length, 'export')} shown`}
          error={exports.data && exports.error}
          errorTitle="Could not refresh"
          onRetry={() => void exports.refetch()}
          hasMore={exports.hasNextPage}
          loadingMore={exports.isFetchingNextPage}
          onMore={() => void exports.fetchNextPage()}
          moreTestId="exports-more"
        />
      </section>
    </div>
  );
}
