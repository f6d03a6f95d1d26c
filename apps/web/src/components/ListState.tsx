import type { ReactNode } from 'react';
import { ErrorBox } from './ErrorBox';
import { Loading } from './Loading';

/**
 * A list's first answer, in the states every list page has: could not load (with Retry), loading,
 * empty, and the list. An error after a first answer keeps the list (the page says so elsewhere).
 */
export function ListState<T>({
  data,
  error,
  onRetry,
  noun,
  loadingRows = 4,
  empty,
  isEmpty = (value) => Array.isArray(value) && value.length === 0,
  children,
}: {
  data: T | undefined;
  error: unknown;
  onRetry: () => void;
  /** "users": "Could not load the users", "Loading the users…". */
  noun: string;
  loadingRows?: number;
  empty: ReactNode;
  isEmpty?: (data: T) => boolean;
  children: (data: T) => ReactNode;
}) {
  if (error && data === undefined)
    return <ErrorBox error={error} title={`Could not load the ${noun}`} onRetry={onRetry} />;
  if (data === undefined) return <Loading label={`Loading the ${noun}…`} rows={loadingRows} />;
  if (isEmpty(data)) return <>{empty}</>;
  return <>{children(data)}</>;
}
