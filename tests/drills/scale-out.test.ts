// Drill 6: the scale-out shape, two API processes and two worker processes against one Temporal.
// A subscriber on API 1 sees the events of jobs run by either worker (fanned out through Redis);
// killing one worker mid-run loses nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { createJobdeckClient, type JobdeckClient } from '@jobdeck/api/client';
import { loopbackReceiver, type LoopbackReceiver } from '../support/loopback-receiver';
import { startDrillStack, until, type DrillStack, type Proc } from '../support/drill-stack';
import {
  adminClient,
  countRows,
  inexactSyncOutputs,
  settledMismatches,
  summarizeDeliveries,
  temporalClient,
  waitClosed,
} from '../support/drill-checks';

const SYNCS = 16;
const WEBHOOKS = 16;
const SYNC = { records: 150, batchSize: 10, throttleMs: 300 };

let stack: DrillStack;
let receiver: LoopbackReceiver;
let api1: JobdeckClient;
let api2: JobdeckClient;
let token1: string;
let api1Url: string;
let workerA: Proc;
let workerB: Proc;
let temporal: Client;

beforeAll(async () => {
  stack = await startDrillStack({ name: 'scale-out' });
  receiver = await loopbackReceiver('127.0.0.1', () => ({ status: 200, delayMs: 1_000 }));
  // The first API creates the admin and the maintenance schedules; the second finds them.
  const [a, b, first] = await Promise.all([stack.startWorker(), stack.startWorker(), stack.startApi()]);
  const second = await stack.startApi();
  [workerA, workerB] = [a, b];
  api1Url = first.url;
  ({ client: api1, token: token1 } = await adminClient(stack, first.url));
  ({ client: api2 } = await adminClient(stack, second.url));
  temporal = await temporalClient(stack);
});

afterAll(async () => {
  await receiver?.close();
  await stack?.teardown();
});

interface Event {
  kind: string;
  jobId: string;
  state?: string;
  progress?: unknown;
}

describe('drill: two APIs and two workers against one Temporal', () => {
  it('a subscriber on API 1 sees jobs run by either worker, and killing one worker loses nothing', async () => {
    const events: Event[] = [];
    let ready!: () => void;
    const started = new Promise<void>((resolve) => (ready = resolve));
    const subscriber = createJobdeckClient({ url: api1Url, token: token1 });
    const subscription = subscriber.events.subscribe.subscribe(
      {},
      { onStarted: () => ready(), onData: (event) => events.push(event as Event) },
    );
    await started;
    try {
      // Enqueued through API 2: only Redis can bring their events to API 1's subscriber.
      const syncs = await Promise.all(
        Array.from({ length: SYNCS }, async (_, i) => ({
          source: `drill6.s${i}`,
          records: SYNC.records,
          id: (await api2.jobs.enqueue.mutate({ type: 'data.sync', input: { source: `drill6.s${i}`, ...SYNC } })).id,
        })),
      );
      const webhooks = await Promise.all(
        Array.from({ length: WEBHOOKS }, (_, i) =>
          api2.jobs.enqueue.mutate({ type: 'webhook.deliver', input: { url: receiver.url, payload: { drill: 6, i } } }),
        ),
      );
      const ids = [...syncs.map((sync) => sync.id), ...webhooks.map((job) => job.id)];

      // Both workers busy (each runs 4 syncs at once), then B dies mid-batch.
      // Both workers have finished some jobs (so Temporal's history names them) and are mid-run with others.
      await until(
        'both workers mid-run',
        async () =>
          (await countRows(stack, `id = ANY($1) AND state = 'completed'`, [ids])) >= 8 &&
          (await countRows(stack, `id = ANY($1) AND "stepsDone" >= 3 AND state <> 'completed'`, [
            syncs.map((s) => s.id),
          ])) >= 4,
        60_000,
        200,
      );
      workerB.child.kill('SIGKILL');
      await workerB.exited;
      const killedAt = Date.now();

      const views = await waitClosed(temporal, ids, 150_000);
      const pidOf = (identity: string) => Number(identity.split('@')[0]);
      const ranOn = (proc: Proc) =>
        [...views.values()]
          .filter((view) => view.workers.some((identity) => pidOf(identity) === proc.child.pid))
          .map((view) => view.id);
      const onA = ranOn(workerA);
      const onB = ranOn(workerB);
      await until(
        'the last completed events',
        () => ids.every((id) => events.some((event) => event.jobId === id && event.state === 'completed')),
        10_000,
      ).catch(() => undefined);
      const sawProgress = (id: string) => events.some((event) => event.jobId === id && event.progress);
      const missingCompleted = ids.filter(
        (id) => !events.some((event) => event.jobId === id && event.state === 'completed'),
      );
      const notCompleted = [...views.values()]
        .filter((view) => view.status !== 'COMPLETED')
        .map((view) => `${view.id}: ${view.status}`);
      const deliveries = summarizeDeliveries(
        webhooks.map((job) => job.id),
        receiver,
      );
      const inexact = await inexactSyncOutputs(stack, syncs);
      const mismatches = await settledMismatches(stack, api1, views);
      const figures = {
        jobs: ids.length,
        workerPids: [workerA.child.pid, workerB.child.pid],
        identities: [...new Set([...views.values()].flatMap((view) => view.workers))],
        ranOnA: onA.length,
        ranOnB: onB.length,
        progressSeenFromA: onA.filter(sawProgress).length,
        progressSeenFromB: onB.filter(sawProgress).length,
        completedEventsMissing: missingCompleted.length,
        eventsReceived: events.length,
        allClosedSecondsAfterKill:
          Math.round((Math.max(...[...views.values()].map((view) => view.closeTime!.getTime())) - killedAt) / 100) / 10,
        notCompleted: notCompleted.length,
        deliveries,
        inexactSyncs: inexact.length,
        recordMismatches: mismatches.length,
      };
      console.log(`drill 6 (two APIs, two workers): ${JSON.stringify(figures)}`);
      if (mismatches.length)
        console.log(`drill 6 record mismatches (first 10):\n  ${mismatches.slice(0, 10).join('\n  ')}`);

      expect(onA.length).toBeGreaterThan(0);
      expect(onB.length).toBeGreaterThan(0);
      expect(figures.progressSeenFromA).toBeGreaterThan(0);
      expect(figures.progressSeenFromB).toBeGreaterThan(0);
      expect(missingCompleted).toEqual([]);
      expect(notCompleted).toEqual([]);
      expect(deliveries).toMatchObject({ never: 0, more: 0 });
      expect(inexact).toEqual([]);
      expect(mismatches).toEqual([]);
    } finally {
      subscription.unsubscribe();
    }
  });
});
