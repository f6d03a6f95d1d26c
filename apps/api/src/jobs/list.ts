import { BUCKET_STATES, jobsQuery, type JobFilter } from '@jobdeck/workflows/control';
import { isTemporalUnavailable } from '../errors';
import type { Services } from '../services';
import { recordSummary, SUMMARY_COLUMNS, summaryOf, summaryRecords, type JobSummary } from './summary';
import { executionRow } from './temporal-views';
import { withEstimates } from '../insight/estimate';

export interface ListFilter extends JobFilter {
  /** Also list jobs a retry superseded (`jobs.retry` with `supersede`); left out by default. */
  includeSuperseded?: boolean;
}

/**
 * Superseded originals and Temporal. A job superseded by its retry has closed (failed, cancelled…)
 * before it is retried, and a closed workflow's search attributes cannot change: Temporal cannot be
 * told that it was superseded, so visibility (and `temporal workflow list`) keep listing it with its
 * status. The record says so (`supersededAt`), and the list leaves such jobs out unless asked: each
 * page of visibility is joined with its records anyway, and a row whose record is superseded is
 * dropped and the page filled from the next ones. The CLI's query still finds them (the dashboard's
 * query plus the superseded jobs, which the stats count apart, see jobs/stats.ts). Pages are asked
 * for at most this many times per list page: a run of superseded jobs makes a short page, never a slow one.
 */
const VISIBILITY_PAGES_PER_PAGE = 5;

/**
 * Jobs from Temporal visibility (what is really running, failed, waiting), with progress and errors
 * from Postgres. Should Temporal be unreachable, the list comes from Postgres alone and says so.
 */
export async function listJobs(services: Services, filter: ListFilter, limit: number, cursorText?: string) {
  const page = await listPage(services, filter, limit, cursorText);
  // Running rows say when they should end (see insight/estimate.ts).
  return { ...page, items: await withEstimates(services, page.items) };
}

async function listPage(services: Services, filter: ListFilter, limit: number, cursorText?: string) {
  const cursor = cursorText ? services.cursors.decode(cursorText) : null;
  // A list that started from Postgres (Temporal was away) goes on from Postgres, so its pages fit together.
  if (cursor?.source === 'postgres') return listFromPostgres(services, filter, limit, cursor.offset);
  try {
    return await listFromTemporal(services, filter, limit, cursor?.token);
  } catch (error) {
    if (!isTemporalUnavailable(error)) throw error;
    return listFromPostgres(services, filter, limit, 0);
  }
}

async function listFromTemporal(services: Services, filter: ListFilter, limit: number, pageToken?: Buffer) {
  const { temporal, sql, config, cursors } = services;
  const items: JobSummary[] = [];
  let token = pageToken;
  for (let page = 0; page < VISIBILITY_PAGES_PER_PAGE && items.length < limit; page++) {
    // Visibility's page token says where the last page ended, whatever its size: the next may be smaller.
    const response = await temporal.workflowService.listWorkflowExecutions({
      namespace: config.temporalNamespace,
      query: jobsQuery(filter),
      pageSize: limit - items.length,
      nextPageToken: token,
    });
    const rows = (response.executions ?? []).map(executionRow);
    const records = rows.length
      ? await summaryRecords(
          sql,
          rows.map((row) => row.id),
        )
      : [];
    const byId = new Map(records.map((record) => [record.id, record]));
    for (const row of rows) {
      const record = byId.get(row.id);
      if (record?.supersededAt && !filter.includeSuperseded) continue;
      // An earlier run of a job rerun from a step (jobs.rerunFromStep): Temporal's reset keeps it, closed
      // with its end, beside the new run; the job is listed once, by the run its record follows. (A run
      // still going is always listed: a reset made outside Jobdeck leaves the record on the old run.)
      if (record?.runId && row.status !== 'RUNNING' && record.runId !== row.runId) continue;
      items.push(summaryOf(row, record));
    }
    token = response.nextPageToken?.length ? Buffer.from(response.nextPageToken) : undefined;
    if (!token) break;
  }
  const nextCursor = token ? cursors.encode({ source: 'temporal', token }) : null;
  return { items, nextCursor, source: 'temporal' as const };
}

async function listFromPostgres(services: Services, filter: ListFilter, limit: number, offset: number) {
  const records = await services.db.job.findMany({
    where: {
      type: filter.type,
      queue: filter.queue,
      scheduleId: filter.scheduleId,
      state: filter.state ?? (filter.bucket ? { in: [...BUCKET_STATES[filter.bucket]] } : undefined),
      supersededAt: filter.includeSuperseded ? undefined : null,
    },
    select: SUMMARY_COLUMNS,
    orderBy: { createdAt: 'desc' },
    skip: offset,
    take: limit + 1,
  });
  return {
    items: records.slice(0, limit).map(recordSummary),
    nextCursor: records.length > limit ? services.cursors.encode({ source: 'postgres', offset: offset + limit }) : null,
    source: 'postgres' as const,
  };
}
