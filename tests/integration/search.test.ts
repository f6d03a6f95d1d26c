// jobs.search against records with known fields, in a database of its own: every filter and every
// sort (both ways, paged across the jobs without a value) returns exactly the expected ids in the
// expected order; free text finds input values but never a redacted secret; totals say when they
// are estimated. The refusals (400 naming what is wrong) are asked of the running API.
import { randomBytes } from 'node:crypto';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, createSql, type Db, type Sql } from '@jobdeck/db';
import { fillInputTexts } from '../../packages/workflows/src/jobs/maintenance-cleanup/input-text';
import { countSearch, DomainError, EXACT_COUNT_LIMIT, SEARCH_SORTS, type JobSearch } from '@jobdeck/workflows/control';
import { migratedDatabase } from '../../packages/db/test/scratch-database';
import { createCache } from '../../apps/api/src/cache';
import { createCursorCodec } from '../../apps/api/src/jobs/cursor';
import { searchJobs, searchRequest } from '../../apps/api/src/jobs/search';
import { toDomainTRPCError } from '../../apps/api/src/errors';
import type { Services } from '../../apps/api/src/services';
import { ids, seedRecords, SEEDS, T, TEMPLATE, type SeedJob } from '../support/search-seeds';

const url = migratedDatabase('search');
let sql: Sql;
let db: Db;
let services: Services;

beforeAll(async () => {
  sql = createSql(url, { maxConnections: 4 });
  db = createDb(url, { maxConnections: 2 });
  services = {
    sql,
    db,
    cursors: createCursorCodec(randomBytes(32)),
    cache: createCache(null, 'search-test'),
  } as unknown as Services;
  await seedRecords(sql, SEEDS);
});

afterAll(async () => {
  await sql?.end();
  await db?.$disconnect();
});

/** Every page of a search, `limit` at a time, checking that only the first says the total. */
async function allPages(search: JobSearch, limit = 100): Promise<string[]> {
  const found: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await searchJobs(services, searchRequest.parse({ search, limit, cursor }));
    expect(page.total === null).toBe(cursor !== null);
    found.push(...page.items.map((item) => item.id));
    cursor = page.nextCursor;
  } while (cursor && found.length < 100);
  return found;
}

/** The same order as the search's, from the seeds: jobs with a value by it, then those without by id. */
function expected(sort: (typeof SEARCH_SORTS)[number], order: 'asc' | 'desc', jobs = SEEDS): string[] {
  const value = (job: SeedJob): number | string | null => {
    const at = (date: Date | null) => date?.getTime() ?? null;
    switch (sort) {
      case 'created':
        return job.createdAt.getTime();
      case 'started':
        return at(job.startedAt);
      case 'finished':
        return at(job.finishedAt);
      case 'runTime':
        return job.startedAt && job.finishedAt ? job.finishedAt.getTime() - job.startedAt.getTime() : null;
      case 'waitTime':
        return job.startedAt ? job.startedAt.getTime() - (job.runAt ?? job.createdAt).getTime() : null;
      case 'attempts':
        return job.attempts;
      case 'priority':
        return job.priority;
      case 'type':
        return job.type;
    }
  };
  // Descending priority is the most urgent first: ascending keys (1 critical … 4 low), ties by id ascending.
  const up = (order === 'asc') !== (sort === 'priority');
  const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0) * (up ? 1 : -1);
  const live = jobs.filter((job) => !job.supersededAt);
  const withValue = live.filter((job) => value(job) !== null);
  const without = live.filter((job) => value(job) === null);
  return [
    ...withValue.sort((a, b) => compare(value(a)!, value(b)!) || compare(a.id, b.id)),
    ...without.sort((a, b) => compare(a.id, b.id)),
  ].map((job) => job.id);
}

describe('jobs.search on known records', () => {
  it('sorts by each column both ways, paging across the jobs without a value', async () => {
    // Spelled out once, so that the model above is checked too.
    expect(expected('created', 'desc')).toEqual(ids('G F E D C B A'));
    expect(expected('runTime', 'asc')).toEqual(ids('C B A D F G E'));
    expect(expected('priority', 'desc')).toEqual(ids('E G A F B C D'));
    for (const sort of SEARCH_SORTS) {
      for (const order of ['asc', 'desc'] as const) {
        const want = expected(sort, order);
        expect({ sort, order, ids: await allPages({ sort, order }) }).toEqual({ sort, order, ids: want });
        for (const limit of [1, 2, 3])
          expect({ sort, order, limit, ids: await allPages({ sort, order }, limit) }).toEqual({
            sort,
            order,
            limit,
            ids: want,
          });
      }
    }
  });

  it('filters by each field, and by several at once', async () => {
    const cases: Array<[JobSearch, string]> = [
      [{ states: ['failed', 'cancelled'] }, 'G B A'],
      [{ types: ['data.sync', 'report.generate'] }, 'G F E D'],
      [{ queues: ['sync'] }, 'G F'],
      [{ priorities: ['high', 'critical'] }, 'G E A'],
      [{ requestedBy: 'bob@example.test' }, 'G F B'],
      [{ scheduleId: 'sched-nightly' }, 'D'],
      [{ templateId: TEMPLATE }, 'E'],
      [{ retryOf: ids('A')[0]! }, 'C'],
      [{ created: { from: at(2), to: at(5) } }, 'D C B'],
      // An offset is a time like any other: 04:00+02:00 is 02:00 UTC.
      [{ created: { from: '2026-11-01T04:00:00+02:00', to: '2026-11-01T07:00:00+02:00' } }, 'D C B'],
      [{ started: { from: at(3) } }, 'E D C'],
      [{ finished: { to: at(3) } }, 'B A'],
      [{ runMs: { min: 1_000, max: 3_000 } }, 'B A'],
      [{ runMs: { min: 10_000 } }, 'D'],
      [{ waitMs: { max: 500 } }, 'D C B'],
      [{ attempts: { min: 2 } }, 'E A'],
      [{ attempts: { max: 0 } }, 'G F'],
      [{ hasError: true }, 'G E B A'],
      [{ hasError: false }, 'F D C'],
      [{ states: ['failed'], includeSuperseded: true }, 'B A H'],
      [{ states: ['failed'], types: ['webhook.deliver'], q: '503', finished: { from: at(0), to: at(2) } }, 'A'],
    ];
    for (const [search, want] of cases)
      expect({ search, ids: await allPages(search) }).toEqual({ search, ids: ids(want) });
  });

  it('finds free text in ids, types, errors, requesters and inputs, and never a redacted secret', async () => {
    const cases: Array<[string, string]> = [
      ['acme', 'C A'],
      ['hooks.example.test/globex', 'B'],
      ['"Service Unavailable"', 'A'],
      ['dddddd', 'D'],
      ['warehouse', 'E'],
      ['token:nightly', 'D'],
      // Secrets: a secret field (apiKey), a token in a URL's query, a Bearer token in a value.
      ['zebra-unicorn', ''],
      ['quokkasecret42', ''],
      ['wombatsecret99', ''],
      ['access_token', 'A'],
      // Field-restricted terms and exclusions.
      ['error:503', 'A'],
      ['input:acme', 'C A'],
      ['by:alice', 'E C A'],
      ['type:report', 'E D'],
      ['id:dddddd', 'D'],
      ['error:acme', ''],
      ['acme -error:503', 'C'],
      ['hooks -acme', 'B'],
      ['-by:bob -by:alice', 'D'],
    ];
    for (const [q, want] of cases) expect({ q, ids: await allPages({ q }) }).toEqual({ q, ids: ids(want) });
    // What the records hold is the redacted text: the secrets are not stored for search at all.
    const { rows } = await sql.query<{ text: string }>(`SELECT string_agg("searchText", ' ') AS "text" FROM "Job"`);
    expect(rows[0]!.text).not.toMatch(/zebra-unicorn|quokkasecret42|wombatsecret99/);
  });

  it('gives a cursor only for its own search', async () => {
    const page = await searchJobs(services, searchRequest.parse({ search: { states: ['failed'] }, limit: 1 }));
    expect(page.total).toEqual({ count: 2, exact: true });
    const cursor = page.nextCursor!;
    // The same search, its keys in another order or its default sort written out: the same search.
    const same = { sort: 'created' as const, order: 'desc' as const, states: ['failed' as const] };
    await expect(searchJobs(services, searchRequest.parse({ search: same, cursor }))).resolves.toMatchObject({
      items: [{ id: ids('A')[0] }],
      total: null,
    });
    for (const search of [{ states: ['failed' as const], sort: 'started' as const }, {}])
      await expect(searchJobs(services, searchRequest.parse({ search, cursor }))).rejects.toThrow(
        /cursor: given out for another search/,
      );
    const other = createCursorCodec(randomBytes(32));
    await expect(
      searchJobs({ ...services, cursors: other }, searchRequest.parse({ search: { states: ['failed'] }, cursor })),
    ).rejects.toThrow(/cursor: not a cursor this API gave out/);
    // List and search cursors are not interchangeable.
    expect(() => services.cursors.decode(cursor)).toThrow(/jobs.search cursor/);
    const listCursor = services.cursors.encode({ source: 'postgres', offset: 25 });
    expect(() => services.cursors.decodeSearch(listCursor, 'x')).toThrow(/jobs.list cursor/);
  });

  it('answers a search that took too long with TIMEOUT (HTTP 408)', () => {
    const error = toDomainTRPCError(new DomainError('TIMEOUT', 'the search took longer than 10 s'))!;
    expect(error.code).toBe('TIMEOUT');
    expect(getHTTPStatusCodeFromError(error)).toBe(408);
  });

  it('counts exactly up to 1,000 matches, and says when the total is an estimate past them', async () => {
    await sql.query(
      `INSERT INTO "Job" ("id", "type", "queue", "state", "input", "inputText", "requestedBy", "maxAttempts", "createdAt", "updatedAt")
       SELECT 'filler.job-' || n, 'filler.job', 'filler', 'waiting', '{}', '', 'test', 1, now(), now()
         FROM generate_series(1, 10050) AS n`,
    );
    await sql.query(`ANALYZE "Job"`);
    // filler.job-1000 and -10000 … -10009.
    expect(await countSearch(sql, { types: ['filler.job'], q: 'filler.job-1000' })).toEqual({ count: 11, exact: true });
    const first = await searchJobs(services, searchRequest.parse({ search: { types: ['filler.job'] }, limit: 5 }));
    expect(first.total).toEqual({ count: expect.any(Number), exact: false });
    expect(first.total!.count).toBeGreaterThan(EXACT_COUNT_LIMIT);
    // A bound of its own, for a caller that must know (exports decide between a download and a job).
    expect(await countSearch(sql, { types: ['filler.job'] }, 20_000)).toEqual({ count: 10_050, exact: true });
    expect(first.items).toHaveLength(5);
  });

  it('searches the input of records older than search once maintenance filled it in', async () => {
    await sql.query(
      `INSERT INTO "Job" ("id", "type", "queue", "state", "input", "requestedBy", "maxAttempts", "updatedAt")
       VALUES ('old.job-1', 'old.job', 'old', 'completed', $1::jsonb, 'test', 1, now())`,
      [JSON.stringify({ customer: 'initech-old', password: 'swordfish-old' })],
    );
    expect(await allPages({ q: 'initech-old' })).toEqual([]);
    expect(await fillInputTexts({ sql })).toBeGreaterThanOrEqual(1);
    expect(await allPages({ q: 'initech-old' })).toEqual(['old.job-1']);
    expect(await allPages({ q: 'swordfish-old' })).toEqual([]);
    // Filled once: the next run has nothing left to do.
    expect(await fillInputTexts({ sql })).toBe(0);
  });
});

function at(hours: number): string {
  return new Date(T + hours * 3_600_000).toISOString();
}
