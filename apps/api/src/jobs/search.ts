// jobs.search: any job by any of its recorded fields, from the Postgres records (which outlive
// Temporal's retention), in keyset pages with signed cursors bound to their search.
import { z } from 'zod';
import { countSearch, jobSearch, searchPage } from '@jobdeck/workflows/control';
import { withEstimates } from '../insight/estimate';
import type { Services } from '../services';
import { searchKey } from './cursor';
import { recordSummary, SUMMARY_COLUMNS, type SummaryRecord } from './summary';

export const searchRequest = z
  .object({
    search: jobSearch.default({}),
    limit: z.number().int().min(1).max(100).default(50),
    cursor: z.string().max(4096).nullish(),
    /** Added by @trpc/react-query's infinite queries; pages only go forward, so it changes nothing. */
    direction: z.enum(['forward', 'backward']).optional(),
  })
  // Any other key is refused, not silently ignored: a filter the API does not know is a 400.
  .strict()
  .default({ search: {}, limit: 50 });
export type SearchRequest = z.output<typeof searchRequest>;

const SUMMARY_SELECT = Object.keys(SUMMARY_COLUMNS)
  .map((column) => `"${column}"`)
  .join(', ');

/**
 * One page of a search. The total comes with the first page only (a cursor's page would count the
 * same again): exact up to EXACT_COUNT_LIMIT, else Postgres's estimate, and `exact` says which. The
 * page and the count run side by side (each is one pass over the matches, the costly part of a text
 * search); a first page that holds every match is its own count.
 */
export async function searchJobs(services: Services, request: SearchRequest) {
  const { search, limit } = request;
  const key = searchKey(search);
  const after = request.cursor ? services.cursors.decodeSearch(request.cursor, key) : null;
  const [page, counted] = await Promise.all([
    searchPage<SummaryRecord>(services.sql, search, { columns: SUMMARY_SELECT, limit, after }),
    after ? null : countSearch(services.sql, search),
  ]);
  const total = after ? null : page.next ? counted : { count: page.rows.length, exact: true };
  return {
    // Running rows say when they should end, as in jobs.list (see insight/estimate.ts).
    items: await withEstimates(services, page.rows.map(recordSummary)),
    nextCursor: page.next ? services.cursors.encodeSearch({ search: key, position: page.next }) : null,
    total,
    source: 'postgres' as const,
  };
}
