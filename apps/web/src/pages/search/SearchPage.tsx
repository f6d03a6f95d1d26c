import { useEffect, useId, useState } from 'react';
import { Link } from 'react-router';
import { ErrorBox } from '../../components/ErrorBox';
import { ExportDialog } from '../../components/exports/ExportDialog';
import { ListFooter } from '../../components/ListFooter';
import { Loading } from '../../components/Loading';
import { ViewsPanel } from '../../components/views/ViewsPanel';
import { issuesOf } from '../../lib/errors';
import { plural } from '../../lib/format';
import { usePermissions } from '../../lib/permissions';
import { ResultsTable } from './ResultsTable';
import { SearchActions } from './SearchActions';
import { SearchBox } from './SearchBox';
import { searchErrorsOf } from './search-errors';
import { narrows } from './search-params';
import { SearchFilters } from './SearchFilters';
import { TotalLine } from './TotalLine';
import { useSearchResults } from './use-search';
import { useSearchUrl } from './use-search-url';
import '../../components/JobsTable.css';
import './Search.css';

/**
 * Every job Jobdeck has recorded, by free text and any recorded field, sorted by any column, with a
 * total; the whole search in the URL. Saved views beside it; bulk actions and export act on what it finds.
 */
export function SearchPage() {
  const formId = useId();
  const [search, setSearch] = useSearchUrl();
  const results = useSearchResults(search);
  const { canOperate } = usePermissions();
  const [exporting, setExporting] = useState(false);
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const searchKey = JSON.stringify(search);
  // A selection belongs to the search it was made in.
  useEffect(() => setSelected(new Set()), [searchKey]);

  // A refused search (400) names its fields: each message goes next to its field; other failures above the rows.
  const refused = results.error && issuesOf(results.error).length > 0 ? results.error : null;
  const errors = searchErrorsOf(refused);
  const jobs = results.data?.pages.flatMap((page) => page.items) ?? [];
  const total = results.data?.pages[0]?.total;
  const stale = results.isPlaceholderData || !!refused;

  return (
    <div className="page search-page">
      <div className="page-header">
        <h1>Search</h1>
        <div className="page-actions">
          <Link to="/exports" className="button button-ghost" data-testid="exports-link">
            Exports
          </Link>
          <button type="button" className="button" onClick={() => setExporting(true)} data-testid="export-open">
            Export…
          </button>
        </div>
      </div>
      <div className="search-layout">
        <div className="search-main">
          <section className="panel search-form" role="search" aria-label="Search jobs">
            <SearchBox
              value={search.q ?? ''}
              onChange={(q, { replace }) => setSearch({ ...search, q: q || undefined }, { replace })}
              errors={errors}
              formId={formId}
            />
            <SearchFilters search={search} onChange={(next) => setSearch(next)} errors={errors} formId={formId} />
            {errors.form && (
              <ul className="field-errors" data-testid="field-error-form">
                {errors.form.map((message) => (
                  <li key={message}>{message}</li>
                ))}
              </ul>
            )}
          </section>
          <section className="panel" aria-label="Results">
            <div className="search-results-head">
              <TotalLine total={total} loading={results.isFetching} />
              {refused && results.data && (
                <span className="small muted">The rows below are from the search before.</span>
              )}
            </div>
            {results.data && (
              <SearchActions
                search={search}
                selected={[...selected]}
                onClearSelection={() => setSelected(new Set())}
                any={jobs.length > 0 && !refused}
              />
            )}
            {results.error && !refused && !results.data ? (
              <ErrorBox error={results.error} title="Could not search" onRetry={() => void results.refetch()} />
            ) : !results.data ? (
              refused ? (
                <p className="muted" data-testid="search-refused">
                  Nothing searched yet: fix what is marked above.
                </p>
              ) : (
                <Loading label="Searching…" rows={5} />
              )
            ) : jobs.length === 0 ? (
              <p className="empty" data-testid="search-empty">
                No job {narrows(search) ? 'matches this search' : 'recorded yet'}.
              </p>
            ) : (
              <ResultsTable
                jobs={jobs}
                search={search}
                onChange={(next) => setSearch(next)}
                selection={canOperate ? { selected, onChange: setSelected } : undefined}
                stale={stale}
              />
            )}
            <ListFooter
              shown={`${plural(jobs.length, 'job')} shown`}
              error={results.data && !refused && results.error}
              errorTitle="Could not search"
              onRetry={() => void results.refetch()}
              hasMore={results.hasNextPage && !refused}
              loadingMore={results.isFetchingNextPage}
              onMore={() => void results.fetchNextPage()}
              moreTestId="search-more"
            />
          </section>
        </div>
        <aside className="search-side">
          <ViewsPanel search={search} />
        </aside>
      </div>
      {exporting && <ExportDialog search={search} total={total} onClose={() => setExporting(false)} />}
    </div>
  );
}

export default SearchPage;
