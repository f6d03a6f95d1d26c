import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { httpStatusOf } from '../lib/errors';
import { ErrorBox } from './ErrorBox';
import { Loading } from './Loading';

interface ItemQuery<T> {
  data: T | undefined;
  error: unknown;
  refetch: () => unknown;
}

/**
 * A page about one thing (a job, a schedule), in the states every such page has: no such thing or
 * could not load (with Retry and a link back to its list), loading, and the page. A failed refresh
 * keeps the page: it says so with RefreshError.
 */
export function ItemState<T>({
  query,
  noun,
  back,
  children,
}: {
  query: ItemQuery<T>;
  /** "job": "No such job", "Could not load the job", "Loading job…". */
  noun: string;
  /** The list to go back to. */
  back: { to: string; label: string };
  children: (data: T) => ReactNode;
}) {
  if (query.error && !query.data) {
    const missing = httpStatusOf(query.error) === 404;
    return (
      <div className="page">
        <ErrorBox
          error={query.error}
          title={missing ? `No such ${noun}` : `Could not load the ${noun}`}
          onRetry={() => void query.refetch()}
        />
        <p>
          <Link to={back.to}>{back.label}</Link>
        </p>
      </div>
    );
  }
  if (!query.data) return <Loading label={`Loading ${noun}…`} rows={6} />;
  return <>{children(query.data)}</>;
}

/** A refresh that failed while the page shows the last answer. */
export function RefreshError({ query }: { query: Omit<ItemQuery<unknown>, 'data'> }) {
  if (!query.error) return null;
  return (
    <ErrorBox
      error={query.error}
      title="Could not refresh; showing the last answer"
      onRetry={() => void query.refetch()}
    />
  );
}
