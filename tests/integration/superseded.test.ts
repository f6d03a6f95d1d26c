// A failed job retried with `supersede` leaves the failed counts (jobs.stats) and the default lists
// (jobs.list), and stays in history: listed with includeSuperseded, found by id with its badge, and
// still counted by Temporal, whose closed workflows cannot be marked (the stats say how many apart).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobdeckClient } from '@jobdeck/api/client';
import {
  clientAs,
  eventually,
  spawnWorker,
  temporalCli,
  waitForPoller,
  waitForState,
  webhookReceiver,
} from '../support/harness';

// A queue of its own, served by a worker of its own: its counts are this test's jobs alone.
const QUEUE = 'it-superseded';
let operator: JobdeckClient;
let worker: ReturnType<typeof spawnWorker>;

beforeAll(async () => {
  ({ client: operator } = await clientAs('operator'));
  worker = spawnWorker(`${QUEUE}:2`);
  await waitForPoller(QUEUE, worker);
});

afterAll(() => {
  if (worker?.exitCode === null) worker.kill('SIGTERM');
});

async function queueStats() {
  const stats = await operator.jobs.stats.query();
  return stats.queues.find((group) => group.name === QUEUE);
}

/** Every id of a list, page after page. */
async function listedIds(filter: Record<string, unknown>, limit = 25): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await operator.jobs.list.query({ queue: QUEUE, limit, cursor, ...filter });
    ids.push(...page.items.map((item) => item.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids.sort();
}

describe('a superseded original', () => {
  it('leaves the failed counts and lists, and stays findable with the filter and by id', async () => {
    const failing = await webhookReceiver(() => 400);
    const working = await webhookReceiver(() => 200);
    try {
      const enqueue = (n: number) =>
        operator.jobs.enqueue.mutate({
          type: 'webhook.deliver',
          input: { url: failing.url, payload: { n } },
          options: { queue: QUEUE },
        });
      const [original, other] = [await enqueue(1), await enqueue(2)];
      await waitForState(operator, original.id, ['failed']);
      await waitForState(operator, other.id, ['failed']);

      // Before: both failed, in the counts and in the lists.
      await eventually('both failures counted', async () => {
        const group = await queueStats();
        return group?.buckets.failed === 2 && group.superseded === 0;
      });
      await eventually(
        'both failures listed',
        async () => (await listedIds({ bucket: 'failed' })).length === 2 || undefined,
      );
      expect(await listedIds({ bucket: 'failed' })).toEqual([original.id, other.id].sort());

      const retried = await operator.jobs.retry.mutate({
        id: original.id,
        changes: { input: { url: working.url }, supersede: true },
      });
      expect(retried).toMatchObject({ retryOf: original.id, superseded: true });
      await waitForState(operator, retried.id, ['completed']);

      // After: the original has left the failed count, the retry's completion is counted.
      const after = await eventually('the counts without the superseded original', async () => {
        const group = await queueStats();
        return group?.buckets.failed === 1 && group.buckets.completed === 1 ? group : undefined;
      });
      expect(after).toMatchObject({ superseded: 1, counts: { failed: 1, completed: 1 } });
      expect(after.successRate).toBeCloseTo(0.5);

      // …and the default lists, whatever the page size (a page skipping it is filled from the next).
      await eventually('the retry listed', async () => (await listedIds({})).includes(retried.id) || undefined);
      expect(await listedIds({ bucket: 'failed' })).toEqual([other.id]);
      expect(await listedIds({ bucket: 'failed' }, 1)).toEqual([other.id]);
      expect(await listedIds({})).toEqual([other.id, retried.id].sort());
      // Bulk actions by filter select what the list shows.
      const preview = await operator.jobs.bulkPreview.query({
        action: 'retry',
        filter: { queue: QUEUE, bucket: 'failed' },
      });
      expect(preview).toMatchObject({ count: 1, sample: [other.id] });

      // Still in history: listed when asked for, with when it was superseded…
      const withSuperseded = await operator.jobs.list.query({
        queue: QUEUE,
        bucket: 'failed',
        includeSuperseded: true,
      });
      expect(withSuperseded.items.map((item) => item.id).sort()).toEqual([original.id, other.id].sort());
      expect(withSuperseded.items.find((item) => item.id === original.id)?.supersededAt).toEqual(expect.any(String));
      expect(withSuperseded.items.find((item) => item.id === other.id)?.supersededAt).toBeNull();
      // …found by id, failed as Temporal says, linked to its retry and marked superseded…
      const page = await operator.jobs.get.query({ id: original.id });
      expect(page).toMatchObject({ state: 'failed', retriedAsId: retried.id, supersededAt: expect.any(String) });
      // …and counted by Temporal, which cannot mark a closed workflow: the CLI's count is the dashboard's
      // failed count plus the superseded ones the stats name.
      const count = await temporalCli([
        'workflow',
        'count',
        '--query',
        `JobType IS NOT NULL AND TaskQueue='${QUEUE}' AND ExecutionStatus='Failed'`,
      ]);
      expect(count).toMatch(/\b2\b/);
    } finally {
      await failing.close();
      await working.close();
    }
  });
});
