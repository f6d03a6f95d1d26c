// Flows refused before anything starts: each problem answered 400 naming its node, through the typed
// client, plain HTTP and jobs.enqueue alike; nothing is started (no flow.run record appears).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobdeckClient } from '@jobdeck/api/client';
import { clientAs, db, http } from '../support/harness';

let operator: JobdeckClient;
let operatorToken: string;
let viewer: JobdeckClient;
let viewerToken: string;

beforeAll(async () => {
  ({ client: operator, token: operatorToken } = await clientAs('operator'));
  ({ client: viewer, token: viewerToken } = await clientAs('viewer'));
});

afterAll(async () => {
  await db.$disconnect();
});

/** The message of a plain HTTP call's error answer (tRPC's `{ error: { message } }`). */
const errorMessage = (json: unknown) => (json as { error?: { message?: string } } | null)?.error?.message ?? '';

describe('flows: refused before they start', () => {
  const ok = { url: 'http://127.0.0.1:9/hook', payload: { a: 1 } };
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    [
      'a cycle',
      {
        nodes: [
          { key: 'a', type: 'webhook.deliver', input: ok },
          { key: 'b', type: 'webhook.deliver', input: ok },
        ],
        edges: [
          { from: 'a', to: 'b' },
          { from: 'b', to: 'a' },
        ],
      },
      /cycle: a → b → a/,
    ],
    [
      'a dangling edge',
      { nodes: [{ key: 'a', type: 'webhook.deliver', input: ok }], edges: [{ from: 'a', to: 'ghost' }] },
      /no node "ghost"/,
    ],
    [
      'an unknown type',
      { nodes: [{ key: 'mystery', type: 'no.such', input: {} }] },
      /node "mystery": unknown job type/,
    ],
    [
      'a bad input',
      { nodes: [{ key: 'bad', type: 'data.sync', input: { source: 'x', records: -1 } }] },
      /node "bad": input\.records/,
    ],
    [
      'a reference to a node not upstream',
      {
        nodes: [
          { key: 'a', type: 'webhook.deliver', input: ok },
          { key: 'b', type: 'webhook.deliver', input: { url: ok.url, payload: { from: '{{ a.result }}' } } },
        ],
      },
      /node "b": .*"a", which is not upstream/,
    ],
  ];

  it.each(cases)(
    'refuses %s with a 400 naming the node, typed client and plain HTTP alike',
    async (_, body, message) => {
      const flow = { name: 'it: refused', ...body };
      const before = await db.job.count({ where: { type: 'flow.run' } });
      await expect(operator.flows.start.mutate(flow as never)).rejects.toMatchObject({
        data: { code: 'BAD_REQUEST' },
        message: expect.stringMatching(message),
      });
      const answer = await http('flows.start', { token: operatorToken, input: flow });
      expect(answer.status).toBe(400);
      expect(errorMessage(answer.json)).toMatch(message);
      expect(await db.job.count({ where: { type: 'flow.run' } })).toBe(before);
    },
  );

  it('refuses a viewer (403) and a flow.run through jobs.enqueue with an unknown node type', async () => {
    const flow = { name: 'it: refused', nodes: [{ key: 'mystery', type: 'no.such', input: {} }] };
    const valid = { name: 'it: viewer', nodes: [{ key: 'a', type: 'webhook.deliver', input: ok }] };
    const forViewer = await http('flows.start', { token: viewerToken, input: valid });
    expect(forViewer.status).toBe(403);
    await expect(viewer.flows.start.mutate(valid)).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
    await expect(operator.jobs.enqueue.mutate({ type: 'flow.run', input: flow } as never)).rejects.toMatchObject({
      data: { code: 'BAD_REQUEST' },
      message: expect.stringMatching(/node "mystery": unknown job type "no\.such"/),
    });
    const overHttp = await http('jobs.enqueue', { token: operatorToken, input: { type: 'flow.run', input: flow } });
    expect(overHttp.status).toBe(400);
    expect(errorMessage(overHttp.json)).toMatch(/node "mystery": unknown job type/);
  });

  it('refuses a definition over 256 KiB', async () => {
    const big = 'x'.repeat(1_000);
    const nodes = Array.from({ length: 30 }, (_, index) => ({
      key: `n${index}`,
      type: 'webhook.deliver',
      input: { url: ok.url, payload: Object.fromEntries(Array.from({ length: 10 }, (__, k) => [`k${k}`, big])) },
    }));
    const answer = await http('flows.start', { token: operatorToken, input: { name: 'it: big', nodes } });
    expect(answer.status).toBe(400);
    expect(errorMessage(answer.json)).toMatch(/at most 256 KiB/);
  });
});
