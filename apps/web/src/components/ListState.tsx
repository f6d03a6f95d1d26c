import type { ReactNode } from 'react';
import { ErrorBox } from './ErrorBox';
import { Loading } from './Loading';

/**
 * A list's first answer, in the states every list page has: could not load (with Retry), loading,
 * empty, and the list. An error after a first answer keeps the list (the page says so elsewhere).
 */
export function ListState<Q, T = Q>({
  query,
  select,
  noun,
  loadingRows = 4,
  empty,
  isEmpty = (value) => Array.isArray(value) && value.length === 0,
  children,
}: {
  /** The list's query: its answer so far, its error, and how to ask again (Retry). */
  query: { data: Q | undefined; error: unknown; refetch: () => unknown };
  /** The list out of the answer, such as the rows of all pages loaded. */
  select?: (data: Q) => T;
  /** "users": "Could not load the users", "Loading the users…". */
  noun: string;
  loadingRows?: number;
  empty: ReactNode;
  isEmpty?: (data: T) => boolean;
  children: (data: T) => ReactNode;
}) {
  const { data: answer, error } = query;
  if (error && answer === undefined)
    return <ErrorBox error={error} title={`Could not load the ${noun}`} onRetry={() => void query.refetch()} />;
  if (answer === undefined) return <Loading label={`Loading the ${noun}…`} rows={loadingRows} />;
  const data = select ? select(answer) : (answer as unknown as T);
  if (isEmpty(data)) return <>{empty}</>;
  return <>{children(data)}</>;
}
