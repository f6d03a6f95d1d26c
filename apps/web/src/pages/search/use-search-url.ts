import { useCallback, useMemo } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { paramsFromSearch, searchFromParams } from './search-params';
import type { JobSearch } from './search-types';

/**
 * The Search page's search, kept in the URL: a link reproduces it, and Back goes to the search before.
 * A committed change (a filter picked, Enter in a field, a column sorted) is a new history entry;
 * `replace` is for a change that refines the last one (typing on after the debounce).
 */
export function useSearchUrl(): [JobSearch, (next: JobSearch, options?: { replace?: boolean }) => void] {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const key = params.toString();
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the string is the params' identity
  const search = useMemo(() => searchFromParams(params), [key]);
  const setSearch = useCallback(
    (next: JobSearch, { replace = false }: { replace?: boolean } = {}) => {
      const query = paramsFromSearch(next).toString();
      if (query === key) return;
      void navigate({ pathname: '/search', search: query ? `?${query}` : '' }, { replace });
    },
    [key, navigate],
  );
  return [search, setSearch];
}
