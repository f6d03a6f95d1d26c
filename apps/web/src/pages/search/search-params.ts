import { JOB_STATES, PRIORITIES, SEARCH_SORTS } from '@jobdeck/workflows/vocabulary';
import { formatDuration, parseDuration } from '../../lib/durations';
import type { JobSearch, ListKey, NumberRangeKey, TimeRangeKey } from './search-types';

/**
 * A search in the query string, so that a link reproduces it: `?q=timeout&state=failed&state=timed_out
 * &runMin=5m&sort=runTime&order=desc`. Lists repeat their key; durations are written as people read
 * them (lib/durations); times are ISO. What the URL holds that is not a value of its key is dropped.
 */

const LISTS: Record<ListKey, string> = { states: 'state', types: 'type', queues: 'queue', priorities: 'priority' };
const TIMES: Record<TimeRangeKey, string> = { created: 'created', started: 'started', finished: 'finished' };
const NUMBERS: Record<NumberRangeKey, string> = { runMs: 'run', waitMs: 'wait', attempts: 'attempts' };
const TEXTS = {
  q: 'q',
  requestedBy: 'by',
  scheduleId: 'schedule',
  templateId: 'template',
  retryOf: 'retryOf',
} as const;

const oneOf =
  <T extends string>(allowed: readonly T[]) =>
  (value: string): value is T =>
    (allowed as readonly string[]).includes(value);

const isIso = (value: string | null): value is string => !!value && !Number.isNaN(Date.parse(value));

function numberOf(key: NumberRangeKey, text: string | null): number | undefined {
  if (!text) return undefined;
  if (key === 'attempts') return /^\d+$/.test(text) ? Number(text) : undefined;
  return parseDuration(text) ?? undefined;
}

/** The search a query string holds. */
export function searchFromParams(params: URLSearchParams): JobSearch {
  const search: JobSearch = {};
  for (const [key, name] of Object.entries(TEXTS) as Array<[keyof typeof TEXTS, string]>) {
    const value = params.get(name)?.trim();
    if (value) search[key] = value;
  }
  const lists: Record<ListKey, (value: string) => boolean> = {
    states: oneOf(JOB_STATES),
    types: (value) => !!value,
    queues: (value) => !!value,
    priorities: oneOf(PRIORITIES),
  };
  for (const [key, name] of Object.entries(LISTS) as Array<[ListKey, string]>) {
    const values = [...new Set(params.getAll(name).filter(lists[key]))];
    if (values.length) (search as Record<ListKey, string[]>)[key] = values;
  }
  for (const [key, name] of Object.entries(TIMES) as Array<[TimeRangeKey, string]>) {
    const from = params.get(`${name}From`);
    const to = params.get(`${name}To`);
    if (isIso(from) || isIso(to))
      search[key] = {
        ...(isIso(from) ? { from: new Date(from).toISOString() } : {}),
        ...(isIso(to) ? { to: new Date(to).toISOString() } : {}),
      };
  }
  for (const [key, name] of Object.entries(NUMBERS) as Array<[NumberRangeKey, string]>) {
    const min = numberOf(key, params.get(`${name}Min`));
    const max = numberOf(key, params.get(`${name}Max`));
    if (min !== undefined || max !== undefined)
      search[key] = { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
  }
  const error = params.get('error');
  if (error === 'yes' || error === 'no') search.hasError = error === 'yes';
  if (params.get('superseded') === 'shown') search.includeSuperseded = true;
  const sort = params.get('sort');
  if (sort && oneOf(SEARCH_SORTS)(sort)) search.sort = sort;
  const order = params.get('order');
  if (order === 'asc' || order === 'desc') search.order = order;
  return search;
}

/** The query string of a search: only what is set, in a fixed order (equal searches, equal strings). */
export function paramsFromSearch(search: JobSearch): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, name] of Object.entries(TEXTS) as Array<[keyof typeof TEXTS, string]>) {
    if (search[key]) params.set(name, search[key]);
  }
  for (const [key, name] of Object.entries(LISTS) as Array<[ListKey, string]>) {
    for (const value of search[key] ?? []) params.append(name, value);
  }
  for (const [key, name] of Object.entries(TIMES) as Array<[TimeRangeKey, string]>) {
    if (search[key]?.from) params.set(`${name}From`, search[key].from);
    if (search[key]?.to) params.set(`${name}To`, search[key].to);
  }
  for (const [key, name] of Object.entries(NUMBERS) as Array<[NumberRangeKey, string]>) {
    const write = (value: number) => (key === 'attempts' ? String(value) : formatDuration(value));
    if (search[key]?.min !== undefined) params.set(`${name}Min`, write(search[key].min));
    if (search[key]?.max !== undefined) params.set(`${name}Max`, write(search[key].max));
  }
  if (search.hasError !== undefined) params.set('error', search.hasError ? 'yes' : 'no');
  if (search.includeSuperseded) params.set('superseded', 'shown');
  if (search.sort) params.set('sort', search.sort);
  if (search.order) params.set('order', search.order);
  return params;
}

/** `/search?…` for a search: what a saved view opens, what a link shares. */
export function searchUrl(search: JobSearch): string {
  const query = paramsFromSearch(search).toString();
  return query ? `/search?${query}` : '/search';
}

/** The same search, whatever the order its lists or keys were given in. */
export function sameSearch(a: JobSearch, b: JobSearch): boolean {
  const canonical = (search: JobSearch) => {
    const params = paramsFromSearch(search);
    params.sort();
    return params.toString();
  };
  return canonical(a) === canonical(b);
}

/** Whether the search narrows the jobs at all (sorting does not). */
export function narrows(search: JobSearch): boolean {
  const { sort: _sort, order: _order, includeSuperseded: _superseded, ...rest } = search;
  return Object.keys(rest).length > 0;
}
