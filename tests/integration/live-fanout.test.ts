// Live fan-out (issue 8): a stream receives only what it asked for (a job, a list of jobs, a queue, a
// job type, kinds of events), a filter the API cannot honour is a 400 before any stream opens, and a
// burst of progress for one job reaches a stream as fewer messages ending with the latest value.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { JobdeckClient } from '@jobdeck/api/client';
import { clientAs, env, eventually, http } from '../support/harness';

interface Received {
  kind: string;
  jobId?: string;
  state?: string;
  progress?: { percent: number };
  events?: Received[];
}

let operator: JobdeckClient;
let viewer: JobdeckClient;
let viewerToken: string;
const open: Array<{ unsubscribe(): void }> = [];

/** A stream as a service opens it with the typed client; resolves once it runs. */
async function stream(input: Record<string, unknown>): Promise<Received[]> {
  const received: Received[] = [];
  await new Promise<void>((resolve, reject) => {
    open.push(
      viewer.events.subscribe.subscribe(input as never, {
        onStarted: () => resolve(),
        onData: (data) => received.push(data as Received),
        onError: reject,
      }),
    );
  });
  return received;
}

// Notices about the stream itself (`live.health` every few seconds) are not job events.
const flat = (messages: Received[]) =>
  messages
    .flatMap((message) => (message.kind === 'batch' ? message.events! : [message]))
    .filter((message) => !message.kind.startsWith('live.'));
const jobsIn = (messages: Received[]) => new Set(flat(messages).map((message) => message.jobId));

beforeAll(async () => {
  ({ client: operator } = await clientAs('operator'));
  ({ client: viewer, token: viewerToken } = await clientAs('viewer'));
});

afterAll(() => {
  for (const subscription of open) subscription.unsubscribe();
});

describe('narrowed live streams', () => {
  it('deliver only the events of the job, the ids, the queue, the type and the kinds asked for', async () => {
    const all = await stream({});
    // The ids are not known before enqueue: a keyed job's id is (`<type>-key-<key>`).
    const key = randomBytes(4).toString('hex');
    const syncId = `data.sync-key-fanout-sync-${key}`;
    const reportId = `report.generate-key-fanout-report-${key}`;
    const one = await stream({ jobId: syncId });
    const ids = await stream({ jobIds: [syncId, reportId], batch: true });
    const byQueue = await stream({ queue: 'reports' });
    const byType = await stream({ type: 'data.sync' });
    const states = await stream({ kinds: ['state'], batch: true });
    const nothing = await stream({ kinds: [] });

    const sync = await operator.jobs.enqueue.mutate({
      type: 'data.sync',
      input: { source: 'it.fanout', records: 30, batchSize: 10, throttleMs: 50 },
      options: { idempotencyKey: `fanout-sync-${key}` },
    });
    const report = await operator.jobs.enqueue.mutate({
      type: 'report.generate',
      input: { title: 'fan-out', periodHours: 1, groupBy: 'type' },
      options: { idempotencyKey: `fanout-report-${key}` },
    });
    expect([sync.id, report.id]).toEqual([syncId, reportId]);
    const ended = (messages: Received[], id: string) =>
      flat(messages).some((event) => event.jobId === id && ['completed', 'failed'].includes(event.state ?? ''));
    await eventually(
      'both jobs to end in the unnarrowed stream',
      async () => ended(all, syncId) && ended(all, reportId),
      90_000,
    );
    await eventually(
      'the narrowed streams to see the ends',
      async () => ended(one, syncId) && ended(ids, reportId) && ended(byQueue, reportId) && ended(byType, syncId),
      10_000,
    );

    expect([...jobsIn(one)]).toEqual([syncId]);
    expect([...jobsIn(ids)].sort()).toEqual([reportId, syncId].sort());
    expect(
      ids.filter((message) => !message.kind.startsWith('live.')).every((message) => message.kind === 'batch'),
    ).toBe(true);
    expect(flat(one).some((event) => event.kind === 'job.log')).toBe(true);
    expect(
      flat(one)
        .filter((event) => event.progress)
        .at(-1)!.progress!.percent,
    ).toBe(100);
    // Queue and type narrowing: other jobs of the stack may appear, but only of that queue / type.
    expect(jobsIn(byQueue).has(reportId)).toBe(true);
    expect(jobsIn(byQueue).has(syncId)).toBe(false);
    expect([...jobsIn(byQueue)].every((id) => !id?.startsWith('data.sync-'))).toBe(true);
    expect(jobsIn(byType).has(syncId)).toBe(true);
    expect([...jobsIn(byType)].every((id) => id?.startsWith('data.sync-'))).toBe(true);
    // State changes only: no progress-only update, no log line.
    const stateEvents = flat(states).filter((event) => event.jobId === syncId);
    expect(stateEvents.length).toBeGreaterThan(0);
    expect(flat(states).every((event) => event.kind === 'job.updated' && !(event.progress && !event.state))).toBe(true);
    expect(flat(nothing).filter((event) => event.kind.startsWith('job.'))).toEqual([]);
  });

  it('refuse a filter they cannot honour with a 400 naming the field, before any stream opens', async () => {
    const cases: Array<[unknown, string]> = [
      [{ queues: ['sync'] }, ''],
      [{ filter: { queue: 'sync' } }, ''],
      [{ queue: 'Not A Queue!' }, 'queue'],
      [{ type: 'no.such-type' }, 'type'],
      [{ jobId: 'not an id' }, 'jobId'],
      [{ jobIds: [] }, 'jobIds'],
      [{ jobIds: Array.from({ length: 201 }, (_, i) => `data.sync-${i}`) }, 'jobIds'],
      [{ kinds: ['everything'] }, 'kinds'],
      [{ batch: 'yes' }, 'batch'],
      ['sync', ''],
    ];
    for (const [input, field] of cases) {
      const response = await fetch(
        `${env.apiUrl}/trpc/events.subscribe?input=${encodeURIComponent(JSON.stringify(input))}`,
        {
          headers: { accept: 'text/event-stream', authorization: `Bearer ${viewerToken}` },
        },
      );
      const text = await response.text();
      expect({ input, status: response.status, type: response.headers.get('content-type') }).toEqual({
        input,
        status: 400,
        type: expect.stringMatching(/application\/json/),
      });
      const body = JSON.parse(text);
      expect(body.error.data.code).toBe('BAD_REQUEST');
      expect(text).not.toContain('event:');
      if (field) expect(Object.keys(body.error.data.fieldErrors ?? {})).toContain(field);
    }
    // Not JSON at all.
    const garbled = await fetch(`${env.apiUrl}/trpc/events.subscribe?input=%7Bnope`, {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${viewerToken}` },
    });
    expect(garbled.status).toBe(400);
    // Anonymous callers learn nothing about the schema: 401 first.
    const anonymous = await http('events.subscribe', { method: 'GET', input: { queues: ['sync'] } });
    expect(anonymous.status).toBe(401);
  });
});

describe('coalescing', () => {
  it('a burst of progress for one job arrives as fewer messages, the latest value last', async () => {
    if (!process.env.REDIS_URL) return expect.fail('the coalescing test publishes on Redis');
    const jobId = `data.sync-20261127-000000-${randomBytes(3).toString('hex')}`;
    const perEvent = await stream({ jobId });
    const batched = await stream({ jobId, batch: true });
    const redis = new Redis(process.env.REDIS_URL);
    try {
      const channel = `${process.env.JOBDECK_REDIS_PREFIX ?? ''}events`;
      const publish = (event: object) =>
        redis.publish(channel, JSON.stringify({ ...event, jobId, at: new Date().toISOString() }));
      await publish({ kind: 'job.updated', state: 'active' });
      for (let percent = 1; percent <= 100; percent++) {
        await publish({ kind: 'job.updated', progress: { percent } });
        if (percent % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await publish({ kind: 'job.log', level: 'info', message: 'done' });
      await publish({ kind: 'job.updated', state: 'completed' });
      await eventually(
        'the completed event',
        async () =>
          flat(perEvent).some((e) => e.state === 'completed') && flat(batched).some((e) => e.state === 'completed'),
        10_000,
        50,
      );
    } finally {
      redis.disconnect();
    }
    for (const received of [perEvent, batched]) {
      const events = flat(received);
      const percents = events.filter((event) => event.progress).map((event) => event.progress!.percent);
      expect(percents.length).toBeGreaterThan(0);
      expect(percents.length).toBeLessThan(50);
      expect(percents).toEqual([...percents].sort((a, b) => a - b));
      expect(percents.at(-1)).toBe(100);
      // Nothing but progress is coalesced, and the order holds.
      expect(events.map((event) => event.state ?? event.kind).filter((kind) => kind !== 'job.updated')).toEqual([
        'active',
        'job.log',
        'completed',
      ]);
    }
    // Batched: several events per message.
    expect(batched.length).toBeLessThan(flat(batched).length);
    console.log(
      `coalescing: 100 progress updates reached a stream as ${flat(perEvent).filter((e) => e.progress).length} (per-event) and ${flat(batched).filter((e) => e.progress).length} in ${batched.length} messages (batched)`,
    );
  });
});
