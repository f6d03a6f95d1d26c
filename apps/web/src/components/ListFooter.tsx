import { ErrorBox } from './ErrorBox';

/**
 * Under a list read page by page: an error that came after the first page (the rows stay), how
 * many rows are shown, and "Load more" while there are more.
 */
export function ListFooter({
  shown,
  error,
  errorTitle = 'Could not load more',
  onRetry,
  hasMore,
  loadingMore,
  onMore,
  moreTestId,
}: {
  shown: string;
  error: unknown;
  errorTitle?: string;
  onRetry: () => void;
  hasMore: boolean;
  loadingMore: boolean;
  onMore: () => void;
  moreTestId: string;
}) {
  return (
    <>
      {error ? <ErrorBox error={error} title={errorTitle} onRetry={onRetry} /> : null}
      <div className="table-footer">
        <span className="muted small">{shown}</span>
        {hasMore && (
          <button type="button" className="button" onClick={onMore} disabled={loadingMore} data-testid={moreTestId}>
            {loadingMore ? 'Loading…' : 'Load more'}
          </button>
        )}
      </div>
    </>
  );
}
