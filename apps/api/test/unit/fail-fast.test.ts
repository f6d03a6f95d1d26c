import { createServer, type Server } from 'node:net';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTemporalUnavailable, toDomainTRPCError } from '../../src/errors';
import { createOutageWatch } from '../../src/outages';
import { temporalConnection } from '../../src/temporal-connection';
import { busHealthNotice } from '../../src/bus-health';

/** Accepts TCP connections and never answers: a Temporal that hangs rather than refuses. */
let blackHole: Server;
let blackHolePort = 0;
beforeAll(async () => {
  blackHole = createServer(() => {});
  await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
  blackHolePort = (blackHole.address() as { port: number }).port;
});
afterAll(() => blackHole.close());

async function timed(call: () => Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = Date.now();
  const error = await call().then(
    () => null,
    (caught: unknown) => caught,
  );
  return { ms: Date.now() - started, error };
}

describe('the API connection to Temporal', () => {
  it.each([
    ['refuses connections', () => '127.0.0.1:1'],
    ['accepts and never answers', () => `127.0.0.1:${blackHolePort}`],
  ])(
    'fails a start, a describe and a count within the deadline when Temporal %s, as 503',
    async (_, address) => {
      const connection = temporalConnection({ address: address(), deadlineMs: 1_500 });
      const client = new Client({ connection });
      const calls = [
        () => client.workflow.start('dataSync', { taskQueue: 'q', workflowId: 'fail-fast-1', args: [] }),
        () => client.workflow.getHandle('fail-fast-1').describe(),
        () => client.workflow.count('JobType IS NOT NULL'),
      ];
      for (const call of calls) {
        const { ms, error } = await timed(call);
        expect(ms).toBeLessThan(3_000);
        expect(isTemporalUnavailable(error)).toBe(true);
        expect(toDomainTRPCError(error)).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
        expect(toDomainTRPCError(error)!.message).not.toMatch(/\//);
      }
      await connection.close();
    },
    30_000,
  );
});

describe('errors of Postgres away', () => {
  it("map Prisma 7's driver-adapter failures to 503 without Prisma's text", () => {
    const raw = Object.assign(
      new Error(
        'Invalid `prisma.$queryRaw()` invocation:\n\nRaw query failed. Code: `N/A`. Message: `Connection closed`',
      ),
      {
        name: 'PrismaClientKnownRequestError',
        code: 'P2010',
        meta: { driverAdapterError: { cause: { kind: 'ConnectionClosed' } } },
      },
    );
    const mapped = toDomainTRPCError(raw);
    expect(mapped).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(mapped!.message).not.toMatch(/prisma|invocation/i);
  });
});

describe('the outage log', () => {
  it('says once that a dependency is away and once that it is back, whatever the number of failures', async () => {
    const lines: string[] = [];
    let up = false;
    const watch = createOutageWatch(
      { postgres: async () => (up ? 1 : Promise.reject(new Error('down'))), temporal: async () => 1 },
      { intervalMs: 20, log: (line) => lines.push(line) },
    );
    const away = Object.assign(new Error("Can't reach database server"), {
      name: 'PrismaClientKnownRequestError',
      code: 'P1001',
    });
    for (let i = 0; i < 500; i++) expect(watch.note(away)).toBe(true);
    expect(watch.note(new Error('a bug'))).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    up = true;
    await new Promise((resolve) => setTimeout(resolve, 100));
    watch.close();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^postgres: unreachable/);
    expect(lines[1]).toMatch(/^postgres: back after/);
  });
});

describe('the bus health notice', () => {
  it('says live only with Redis connected', () => {
    expect(busHealthNotice({ mode: 'redis', connected: true })).toMatchObject({
      kind: 'live.health',
      live: true,
      reason: null,
    });
    expect(busHealthNotice({ mode: 'redis', connected: false })).toMatchObject({
      live: false,
      reason: expect.stringMatching(/Redis unreachable/),
    });
    expect(busHealthNotice({ mode: 'local', connected: false })).toMatchObject({ live: false });
  });
});
