import { SEARCH_SORTS, type SearchSort } from '@jobdeck/workflows/vocabulary';
import type { JobSearch } from './search-types';

export { SEARCH_SORTS, type SearchSort };

export const SORT_LABELS: Record<SearchSort, string> = {
  created: 'Created',
  started: 'Started',
  finished: 'Finished',
  runTime: 'Run time',
  waitTime: 'Wait time',
  attempts: 'Attempts',
  priority: 'Priority',
  type: 'Type',
};

/** What the API does when the search names no sort: the newest first. */
export const DEFAULT_SORT: SearchSort = 'created';
export const DEFAULT_ORDER = 'desc' as const;

export function sortOf(search: JobSearch): { sort: SearchSort; order: 'asc' | 'desc' } {
  return { sort: search.sort ?? DEFAULT_SORT, order: search.order ?? DEFAULT_ORDER };
}

/** Sorting by a column: by it, the other way if it already is (times and counts start with the highest, type with A). */
export function sortBy(search: JobSearch, sort: SearchSort): JobSearch {
  const current = sortOf(search);
  const order = current.sort === sort ? (current.order === 'desc' ? 'asc' : 'desc') : sort === 'type' ? 'asc' : 'desc';
  return { ...search, sort, order };
}
