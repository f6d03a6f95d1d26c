// Drill 6: the scale-out shape, two API processes and two worker processes against one Temporal.
// A subscriber on API 1 sees the events of jobs run by either worker (fanned out through Redis);
// killing one worker mid-run loses nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { createJobdeckClient, type JobdeckClient } from '@jobdeck/api/client';
import { until, type Proc } from '../support/drill-stack';
import { countRows, drillOutcome, report, waitClosed } from '../support/drill-checks';
import { adminClient, useDrill } from '../support/drill-setup';

const SYNCS = 16;
const WEBHOOKS = 16;
const SYNC = { records: 150, batchSize: 10, throttleMs: 300 };

// The first API creates the admin and the maintenance schedules; the second finds them.
const drill = useDrill({ name: 'scale-out', answer: () => ({ status: 200, delayMs: 1_000 }) });
let workerB: Proc;
let api2: JobdeckClient;

beforeAll(async () => {
  [workerB, { client: api2 }] = await Promise.all([
    drill.stack.startWorker(),
    drill.stack.startApi().then((second) => adminClient(drill.stack, second.url)),
  ]);
});

interface Event {
  kind: string;
  jobId: string;
  state?: string;
  progress?: unknown;
}

describe('drill: two APIs and two workers against one Temporal', () => {
  it('a subscriber on API 1 sees jobs run by either worker, and killing one worker loses nothing', async () => {
    const {
      stack,
      receiver,
      token: token1,
      api: { url: api1Url },
      worker: workerA,
      temporal,
    } = drill;
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
      const outcome = await drillOutcome(drill, views, { webhooks: webhooks.map((job) => job.id), syncs });
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
        ...outcome.figures,
      };
      report('drill 6', 'two APIs, two workers', figures, { 'record mismatches': outcome.mismatches });

      expect(onA.length).toBeGreaterThan(0);
      expect(onB.length).toBeGreaterThan(0);
      expect(figures.progressSeenFromA).toBeGreaterThan(0);
      expect(figures.progressSeenFromB).toBeGreaterThan(0);
      expect(missingCompleted).toEqual([]);
      expect(outcome.notCompleted).toEqual([]);
      expect(outcome.deliveries).toMatchObject({ never: 0, more: 0 });
      expect(outcome.inexact).toEqual([]);
      expect(outcome.mismatches).toEqual([]);
    } finally {
      subscription.unsubscribe();
    }
  });
});
