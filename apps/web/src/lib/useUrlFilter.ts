import { useSearchParams } from 'react-router';

type Filter<K extends string> = Partial<Record<K, string>>;

/** The query string of a filter: only the keys that are set, in a fixed order. */
export function searchOf<K extends string>(keys: readonly K[], filter: Filter<K>): URLSearchParams {
  const search = new URLSearchParams();
  for (const key of keys) if (filter[key]) search.set(key, filter[key]!);
  return search;
}

/**
 * A page's filter, kept in the query string so that a filtered page can be bookmarked and shared.
 * `parse` turns the raw values into the filter (dropping what is not a known value).
 */
export function useUrlFilter<K extends string, F extends Filter<K>>(
  keys: readonly K[],
  parse: (value: (key: K) => string | undefined) => F,
): [F, (next: F) => void] {
  const [params, setParams] = useSearchParams();
  const filter = parse((key) => params.get(key) || undefined);
  const setFilter = (next: F) => setParams(searchOf(keys, next), { replace: true });
  return [filter, setFilter];
}
