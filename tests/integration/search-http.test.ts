// jobs.search as callers reach it: pages and a total over HTTP, and every bad filter refused with a
// 400 that names it (never ignored), forged and borrowed cursors included.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchableInput } from '@jobdeck/workflows';
import { db, http, login } from '../support/harness';

// A queue of its own: the searches below see these records only.
const QUEUE = `it-search-${randomBytes(3).toString('hex')}`;
const IDS = [1, 2, 3].map((n) => `search.http-${QUEUE}-${n}`);
let token: string;

beforeAll(async () => {
  token = await login();
  for (const [index, id] of IDS.entries()) {
    const n = index + 1;
    const input = { customer: `initech-${QUEUE}`, n };
    await db.job.create({
      data: {
        id,
        type: 'search.http',
        queue: QUEUE,
        state: 'failed',
        input,
        inputText: searchableInput(input),
        requestedBy: 'test',
        maxAttempts: 1,
        attempts: 1,
        error: `failure ${n}`,
        createdAt: new Date(Date.now() - (3 - n) * 60_000),
      },
    });
  }
});

afterAll(async () => {
  await db.job.deleteMany({ where: { id: { in: IDS } } });
});

const search = (input: unknown) => http('jobs.search', { token, input, method: 'GET' });

describe('jobs.search over HTTP', () => {
  it('pages with a cursor and says the total on the first page', async () => {
    const first = await search({ search: { queues: [QUEUE] }, limit: 2 });
    expect(first.status).toBe(200);
    const page = first.json.result.data;
    expect(page).toMatchObject({ total: { count: 3, exact: true }, source: 'postgres' });
    expect(page.items.map((item: { id: string }) => item.id)).toEqual([IDS[2], IDS[1]]);
    expect(page.items[0]).toMatchObject({ type: 'search.http', state: 'failed', error: 'failure 3', estimate: null });
    const second = await search({ search: { queues: [QUEUE] }, limit: 2, cursor: page.nextCursor });
    expect(second.json.result.data).toMatchObject({ items: [{ id: IDS[0] }], nextCursor: null, total: null });
    // The free text reads the input.
    const byInput = await search({ search: { q: `input:initech-${QUEUE}` } });
    expect(byInput.json.result.data.total).toEqual({ count: 3, exact: true });
  });

  it('refuses a bad filter with a 400 that names it', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ search: { queues: [QUEUE], colour: 'red' } }, /search: Unrecognized key: "colour"/],
      [{ search: {}, page: 2 }, /Unrecognized key: "page"/],
      [
        { search: { created: { from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' } } },
        /search\.created: created: from must be before to/,
      ],
      [{ search: { created: { from: 'yesterday' } } }, /search\.created\.from: created\.from must be an ISO 8601/],
      [{ search: { attempts: { min: 5, max: 2 } } }, /search\.attempts: attempts: min must not be above max/],
      [{ search: { runMs: { min: -1 } } }, /search\.runMs\.min/],
      [{ search: { q: 'ab' } }, /search\.q: "ab" is too short to search/],
      [{ search: { q: '"unclosed phrase' } }, /search\.q: a quote is not closed/],
      [{ search: { q: 'error:"" acme' } }, /search\.q: error: needs something to find after it/],
      [{ search: { states: ['exploded'] } }, /search\.states\.0/],
      [{ search: { sort: 'colour' } }, /search\.sort/],
      [{ search: { templateId: 'nope' } }, /search\.templateId: templateId is a template id/],
      [{ search: {}, limit: 500 }, /limit/],
      [{ search: {}, cursor: 'forged.cursor' }, /cursor: not a cursor this API gave out/],
    ];
    for (const [input, message] of cases) {
      const response = await search(input);
      expect({ input, status: response.status }).toEqual({ input, status: 400 });
      expect({ input, message: response.json.error.message }).toEqual({
        input,
        message: expect.stringMatching(message),
      });
    }
  });

  it("refuses a cursor reused with another search, and list and search cursors in each other's place", async () => {
    const page = (await search({ search: { queues: [QUEUE] }, limit: 1 })).json.result.data;
    const reused = await search({ search: { queues: [QUEUE], states: ['failed'] }, limit: 1, cursor: page.nextCursor });
    expect(reused.status).toBe(400);
    expect(reused.json.error.message).toMatch(/cursor: given out for another search/);
    const list = await http('jobs.list', { token, input: { cursor: page.nextCursor }, method: 'GET' });
    expect(list.status).toBe(400);
    expect(list.json.error.message).toMatch(/cursor: a jobs.search cursor/);
  });
});
