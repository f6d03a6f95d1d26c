// The record outbox's rules, with writes that are plain functions: order per job, nothing lost
// while "Postgres" is away, live progress coalesced, log lines dropped first when full, and writes
// that can never land given up visibly instead of retried forever.
import { describe, expect, it } from 'vitest';
import { createRecordOutbox, type RecordOp } from '../../src/runtime/records/outbox';

function fakePostgres() {
  const state = { up: true, written: [] as string[], probes: 0 };
  const write = (label: string) => async () => {
    if (!state.up) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    state.written.push(label);
  };
  const probe = async () => {
    state.probes += 1;
    if (!state.up) throw new Error('connect ECONNREFUSED');
  };
  return { state, write, probe };
}

const op = (jobId: string, kind: string, write: () => Promise<void>, extra: Partial<RecordOp> = {}): RecordOp => ({
  jobId,
  kind,
  write,
  ...extra,
});
const fast = { initial: 5, max: 20 };

/** An outbox on the fake database that retries fast and ignores give-ups, unless `options` says otherwise. */
const outboxOn = (
  pg: ReturnType<typeof fakePostgres>,
  options: Partial<Parameters<typeof createRecordOutbox>[0]> = {},
) => createRecordOutbox({ probe: pg.probe, onGiveUp: () => {}, backoffMs: fast, ...options });

describe('the record outbox', () => {
  it("writes each job's updates in the order given", async () => {
    const pg = fakePostgres();
    const outbox = outboxOn(pg);
    await Promise.all(
      ['started', 'attempt', 'progress', 'finished'].map((kind) => outbox.submit(op('a', kind, pg.write(`a:${kind}`)))),
    );
    expect(pg.state.written).toEqual(['a:started', 'a:attempt', 'a:progress', 'a:finished']);
  });

  it('never makes a caller wait for a database that is away, and writes everything, in order, once it is back', async () => {
    const pg = fakePostgres();
    const lines: string[] = [];
    const outbox = outboxOn(pg, {
      log: (line) => lines.push(line),
    });
    pg.state.up = false;
    const started = Date.now();
    for (const kind of ['started', 'attempt', 'finished']) await outbox.submit(op('b', kind, pg.write(`b:${kind}`)));
    await outbox.submit(op('c', 'started', pg.write('c:started')));
    expect(Date.now() - started).toBeLessThan(200);
    expect(outbox.parked).toBe(true);
    expect(outbox.pending()).toBe(4);
    pg.state.up = true;
    expect(await outbox.flush(2_000)).toBe(true);
    expect(pg.state.written.filter((label) => label.startsWith('b:'))).toEqual([
      'b:started',
      'b:attempt',
      'b:finished',
    ]);
    expect(pg.state.written).toContain('c:started');
    // One line when writes were parked, one when they resumed: never one per write.
    expect(lines).toHaveLength(2);
  });

  it('keeps only the latest parked progress of a job', async () => {
    const pg = fakePostgres();
    const outbox = outboxOn(pg);
    pg.state.up = false;
    await outbox.submit(op('d', 'started', pg.write('d:started')));
    for (let percent = 10; percent <= 100; percent += 10)
      await outbox.submit(op('d', 'progress', pg.write(`d:${percent}%`), { coalesceKey: 'progress' }));
    pg.state.up = true;
    await outbox.flush(2_000);
    expect(pg.state.written).toEqual(['d:started', 'd:100%']);
  });

  it('drops log lines, not record updates, when full, and says how many', async () => {
    const pg = fakePostgres();
    const dropped: string[] = [];
    const outbox = outboxOn(pg, {
      onDropped: (jobId, kind) => dropped.push(`${jobId}:${kind}`),
      capacity: 3,
    });
    pg.state.up = false;
    await outbox.submit(op('e', 'started', pg.write('e:started')));
    await outbox.submit(op('e', 'log', pg.write('e:log1'), { droppable: true }));
    await outbox.submit(op('e', 'log', pg.write('e:log2'), { droppable: true }));
    await outbox.submit(op('e', 'finished', pg.write('e:finished')));
    pg.state.up = true;
    await outbox.flush(2_000);
    expect(dropped).toEqual(['e:log']);
    expect(pg.state.written).toEqual(['e:started', 'e:log2', 'e:finished']);
  });

  it('gives up a write the database refuses as such, after its fallback, instead of retrying it forever', async () => {
    const pg = fakePostgres();
    const givenUp: string[] = [];
    const outbox = outboxOn(pg, {
      onGiveUp: (given, reason) => givenUp.push(`${given.kind}: ${reason}`),
    });
    const refused = async () => {
      throw Object.assign(new Error('value too long for type character varying(200)'), { code: 'P2000' });
    };
    await outbox.submit(op('f', 'finished', refused, { fallback: pg.write('f:finished without result') }));
    await outbox.submit(op('f', 'log', pg.write('f:log')));
    await outbox.flush(2_000);
    expect(pg.state.written).toEqual(['f:finished without result', 'f:log']);
    expect(givenUp).toEqual([expect.stringMatching(/^finished: the database refused it: value too long/)]);
  });

  it('gives up, visibly, a write that keeps failing while the database answers (a bug, not an outage)', async () => {
    const pg = fakePostgres();
    const givenUp: string[] = [];
    const outbox = outboxOn(pg, {
      onGiveUp: (given, reason) => givenUp.push(reason),
      maxFailures: 3,
    });
    let tries = 0;
    await outbox.submit(
      op('g', 'attempt', async () => {
        tries += 1;
        throw new Error('job g has no record yet');
      }),
    );
    await outbox.flush(2_000);
    expect(tries).toBe(3);
    expect(givenUp).toEqual(['failed 3 times: job g has no record yet']);
  });
});

describe('what counts as refused', () => {
  it('takes a raw query that lost its connection for an outage, not a refusal', async () => {
    const { isRecordRejected } = await import('../../src/runtime/bookkeeping-errors');
    expect(
      isRecordRejected(
        Object.assign(new Error('Raw query failed. Code: `N/A`. Message: `Server has closed the connection.`'), {
          code: 'P2010',
        }),
      ),
    ).toBe(false);
    expect(
      isRecordRejected(
        Object.assign(new Error('Raw query failed. Code: `22P05`. Message: `unsupported Unicode escape sequence`'), {
          code: 'P2010',
        }),
      ),
    ).toBe(true);
    expect(isRecordRejected(Object.assign(new Error('value too long for the column'), { code: 'P2000' }))).toBe(true);
  });
});
