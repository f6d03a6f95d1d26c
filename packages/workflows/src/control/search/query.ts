// A search as SQL over the job records, which outlive Temporal's retention. Pages are keyset
// pages (a deep page costs what the first does); each sort column has its index (see the migration
// 20261129060000_search_and_exports), and free text goes through the trigram index on "searchText".
import type { Sql } from '@jobdeck/db';
import { PRIORITY_KEYS } from '../../runtime/states';
import { DomainError } from '../errors';
import type { JobSearch, SearchSort } from './filter';
import { containsPattern, parseSearchText, SEARCH_FIELDS } from './text';

interface SortColumn {
  column: string;
  cast: string;
  /** Jobs without a value (not started, not finished) come after those with one, in either order. */
  nullable: boolean;
  /** Priority keys run 1 (critical) to 4 (low): descending priority is ascending key. */
  inverted?: boolean;
}

const SORT_COLUMNS: Record<SearchSort, SortColumn> = {
  created: { column: '"createdAt"', cast: 'timestamp(3)', nullable: false },
  started: { column: '"startedAt"', cast: 'timestamp(3)', nullable: true },
  finished: { column: '"finishedAt"', cast: 'timestamp(3)', nullable: true },
  runTime: { column: '"runMs"', cast: 'integer', nullable: true },
  waitTime: { column: '"waitMs"', cast: 'integer', nullable: true },
  attempts: { column: '"attempts"', cast: 'integer', nullable: false },
  priority: { column: '"priority"', cast: 'integer', nullable: false, inverted: true },
  type: { column: '"type"', cast: 'text', nullable: false },
};

/**
 * Where a page ended: the last job's sort value and id. `value` null means the page ended among the
 * jobs that have no value for the sort (they come last), ordered by id.
 */
export interface SearchPosition {
  value: string | number | null;
  id: string;
}

/** A search slower than this is stopped and answered with TIMEOUT: a broad search must not hold Postgres. */
export const SEARCH_TIMEOUT_MS = 10_000;

/**
 * A search's total is exact up to this many matches; past it, the planner's estimate, said so.
 * Counting is the cost of a broad search (a page stops at its limit, a count reads every match up
 * to the bound): at a million records, 10,000 cost a broad search 100–200 ms, 1,000 cost 5–20 ms.
 */
export const EXACT_COUNT_LIMIT = 1_000;

class Params {
  readonly values: unknown[] = [];
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return `$${this.values.length}${cast ? `::${cast}` : ''}`;
  }
}

/** The WHERE conditions of a search, ANDed; their parameters are added to `params`. */
function conditions(search: JobSearch, params: Params): string[] {
  const where: string[] = [];
  const parsed = parseSearchText(search.q ?? '');
  if ('problem' in parsed) throw new DomainError('BAD_REQUEST', `q: ${parsed.problem}`);
  for (const term of parsed.terms) {
    const pattern = params.add(containsPattern(term.text));
    const column = term.field ? SEARCH_FIELDS[term.field] : undefined;
    if (term.exclude) where.push(`COALESCE(${column ?? '"searchText"'}, '') NOT ILIKE ${pattern}`);
    else {
      // The trigram index finds candidates by the whole text; the field's own column then decides.
      where.push(`"searchText" ILIKE ${pattern}`);
      if (column) where.push(`${column} ILIKE ${pattern}`);
    }
  }
  if (search.states) where.push(`"state" = ANY(${params.add(search.states, '"JobState"[]')})`);
  if (search.types) where.push(`"type" = ANY(${params.add(search.types, 'text[]')})`);
  if (search.queues) where.push(`"queue" = ANY(${params.add(search.queues, 'text[]')})`);
  if (search.priorities)
    where.push(
      `"priority" = ANY(${params.add(
        search.priorities.map((p) => PRIORITY_KEYS[p]),
        'integer[]',
      )})`,
    );
  if (search.requestedBy) where.push(`"requestedBy" = ${params.add(search.requestedBy)}`);
  if (search.scheduleId) where.push(`"scheduleId" = ${params.add(search.scheduleId)}`);
  if (search.templateId) where.push(`"templateId" = ${params.add(search.templateId)}`);
  if (search.retryOf) where.push(`"retryOfId" = ${params.add(search.retryOf)}`);
  for (const [range, column] of [
    [search.created, '"createdAt"'],
    [search.started, '"startedAt"'],
    [search.finished, '"finishedAt"'],
  ] as const) {
    // As UTC: a "timestamp" cast ignores an offset (+02:00) that the caller's time may carry.
    if (range?.from) where.push(`${column} >= ${params.add(utc(range.from), 'timestamp(3)')}`);
    if (range?.to) where.push(`${column} < ${params.add(utc(range.to), 'timestamp(3)')}`);
  }
  for (const [range, column] of [
    [search.runMs, '"runMs"'],
    [search.waitMs, '"waitMs"'],
    [search.attempts, '"attempts"'],
  ] as const) {
    if (range?.min !== undefined) where.push(`${column} >= ${params.add(range.min, 'integer')}`);
    if (range?.max !== undefined) where.push(`${column} <= ${params.add(range.max, 'integer')}`);
  }
  if (search.hasError !== undefined) where.push(`"error" IS ${search.hasError ? 'NOT ' : ''}NULL`);
  if (!search.includeSuperseded) where.push(`"supersededAt" IS NULL`);
  return where;
}

/** The records hold UTC in `timestamp without time zone`. */
function utc(time: string): string {
  return new Date(time).toISOString();
}

function whereClause(where: string[]): string {
  return where.length ? `WHERE ${where.join(' AND ')}` : '';
}

/** A search's WHERE clause and its parameters, for a statement of its own over the same jobs (an export's summary). */
export function searchWhere(search: JobSearch): { where: string; values: unknown[] } {
  const params = new Params();
  return { where: whereClause(conditions(search, params)), values: params.values };
}

/** One statement within SEARCH_TIMEOUT_MS (or `timeoutMs`); a search stopped by it is a TIMEOUT refusal. */
async function queryWithin<Row extends object>(
  sql: Sql,
  text: string,
  values: unknown[],
  timeoutMs = SEARCH_TIMEOUT_MS,
): Promise<Row[]> {
  const client = await sql.connect();
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(`SELECT set_config('statement_timeout', $1, true)`, [String(timeoutMs)]);
    const result = await client.query<Row>(text, values);
    await client.query('COMMIT');
    return result.rows;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if ((error as { code?: string }).code === '57014')
      throw new DomainError(
        'TIMEOUT',
        `the search took longer than ${timeoutMs / 1000} s: narrow it (states, types, a time range, a longer term)`,
      );
    throw error;
  } finally {
    client.release();
  }
}

export interface SearchPageOptions {
  /** The record columns to read, as SQL ("id", "state", …); the sort value is added as "sortValue". */
  columns: string;
  limit: number;
  after?: SearchPosition | null;
  timeoutMs?: number;
}

/** One page of a search, and where the next begins (null at the end). */
export async function searchPage<Row extends object>(
  sql: Sql,
  search: JobSearch,
  options: SearchPageOptions,
): Promise<{ rows: Array<Row & { id: string; sortValue: unknown }>; next: SearchPosition | null }> {
  const sort = SORT_COLUMNS[search.sort ?? 'created'];
  const descending = (search.order ?? 'desc') === 'desc';
  const direction = descending !== Boolean(sort.inverted) ? 'DESC' : 'ASC';
  const beyond = direction === 'DESC' ? '<' : '>';
  const { after, limit } = options;
  const rows: Array<Row & { id: string; sortValue: unknown }> = [];

  if (!after || after.value !== null) {
    const params = new Params();
    const where = conditions(search, params);
    if (sort.nullable) where.push(`${sort.column} IS NOT NULL`);
    if (after)
      where.push(`(${sort.column}, "id") ${beyond} (${params.add(after.value, sort.cast)}, ${params.add(after.id)})`);
    rows.push(
      ...(await queryWithin<Row & { id: string; sortValue: unknown }>(
        sql,
        `SELECT ${options.columns}, ${sort.column} AS "sortValue" FROM "Job" ${whereClause(where)}
         ORDER BY ${sort.column} ${direction}, "id" ${direction} LIMIT ${limit + 1}`,
        params.values,
        options.timeoutMs,
      )),
    );
  }
  if (sort.nullable && rows.length <= limit) {
    const params = new Params();
    const where = conditions(search, params);
    where.push(`${sort.column} IS NULL`);
    if (after?.value === null) where.push(`"id" ${beyond} ${params.add(after.id)}`);
    rows.push(
      ...(await queryWithin<Row & { id: string; sortValue: unknown }>(
        sql,
        `SELECT ${options.columns}, NULL AS "sortValue" FROM "Job" ${whereClause(where)}
         ORDER BY "id" ${direction} LIMIT ${limit + 1 - rows.length}`,
        params.values,
        options.timeoutMs,
      )),
    );
  }
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, next: rows.length > limit && last ? positionOf(last) : null };
}

function positionOf(row: { id: string; sortValue: unknown }): SearchPosition {
  const value = row.sortValue;
  return {
    id: row.id,
    value: value instanceof Date ? value.toISOString() : value === null ? null : (value as string | number),
  };
}

/** How many jobs match: exact up to `limit`, else the planner's estimate (never below the limit). */
export async function countSearch(
  sql: Sql,
  search: JobSearch,
  limit = EXACT_COUNT_LIMIT,
): Promise<{ count: number; exact: boolean }> {
  const params = new Params();
  const where = whereClause(conditions(search, params));
  const [counted] = await queryWithin<{ count: number }>(
    sql,
    `SELECT count(*)::integer AS "count" FROM (SELECT 1 FROM "Job" ${where} LIMIT ${limit + 1}) matches`,
    params.values,
  );
  if ((counted?.count ?? 0) <= limit) return { count: counted?.count ?? 0, exact: true };
  const [plan] = await queryWithin<{ 'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }> }>(
    sql,
    `EXPLAIN (FORMAT JSON) SELECT 1 FROM "Job" ${where}`,
    params.values,
  );
  const estimate = Math.round(plan?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? 0);
  return { count: Math.max(limit + 1, estimate), exact: false };
}

/**
 * Every matching job in the search's order, a batch at a time, each with the position after it:
 * for exports and bulk actions, which may resume from a position (a worker crashed mid-way).
 */
export async function* scanSearch<Row extends object>(
  sql: Sql,
  search: JobSearch,
  options: Omit<SearchPageOptions, 'limit'> & { batch: number },
): AsyncGenerator<{ rows: Array<Row & { id: string; sortValue: unknown }>; next: SearchPosition | null }> {
  let after = options.after ?? null;
  do {
    const page = await searchPage<Row>(sql, search, { ...options, limit: options.batch, after });
    if (page.rows.length) yield page;
    after = page.next;
  } while (after);
}

/** The ids of the jobs a search matches, in its order, up to `max`: a bulk action's selection. */
export async function searchJobIds(sql: Sql, search: JobSearch, max: number): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of scanSearch<{ id: string }>(sql, search, { columns: '"id"', batch: 1_000 })) {
    for (const row of page.rows) if (ids.length < max) ids.push(row.id);
    if (ids.length >= max) break;
  }
  return ids;
}
