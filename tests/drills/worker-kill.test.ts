// Drill 1: the worker is SIGKILLed with ~100 jobs in flight (data syncs mid-batch, webhooks held
// mid-delivery by a slow receiver), then restarted. Everything completes within seconds of the
// restart; each delivery id reaches the receiver once or twice (at least once, as documented); every
// sync output is exact; the records agree with Temporal.
import { describe, expect, it } from 'vitest';
import { until } from '../support/drill-stack';
import { countRows, drillOutcome, report, summarizeDeliveries, waitClosed } from '../support/drill-checks';
import { useDrill } from '../support/drill-setup';

const WEBHOOKS = 60;
const SYNCS = 40;
/** Few, slow batches: killed mid-run, a sync has seconds of work left, so its completion time shows how fast the loss was noticed. */
const SYNC = { records: 60, batchSize: 10, throttleMs: 2_000 };
/** POSTs before the kill are held this long (within the webhook's own 60 s timeout): the worker dies while they wait. */
const HOLD_MS = 55_000;
let killed = false;

const drill = useDrill({
  name: 'worker-kill',
  queues: { webhooks: WEBHOOKS, sync: SYNCS },
  answer: () => ({ status: 200, delayMs: killed ? 50 : HOLD_MS }),
});

describe('drill: worker SIGKILLed with ~100 jobs in flight', () => {
  it('restarted, it finishes every job within seconds, each delivery at least once and at most twice, every sync exact', async () => {
    const { stack, receiver, client, temporal, worker } = drill;
    const enqueue = async (i: number) =>
      i < WEBHOOKS
        ? {
            kind: 'webhook' as const,
            ...(await client.jobs.enqueue.mutate({
              type: 'webhook.deliver',
              input: { url: receiver.url, payload: { drill: 1, i }, timeoutMs: 60_000 },
            })),
          }
        : {
            kind: 'sync' as const,
            source: `drill1.s${i}`,
            ...(await client.jobs.enqueue.mutate({ type: 'data.sync', input: { source: `drill1.s${i}`, ...SYNC } })),
          };
    const jobs: Array<Awaited<ReturnType<typeof enqueue>>> = [];
    const enqueueRange = async (from: number, to: number) => {
      for (let i = from; i < to; i += 10)
        jobs.push(...(await Promise.all(Array.from({ length: Math.min(10, to - i) }, (_, k) => enqueue(i + k)))));
    };
    // The webhooks first: each is held by the receiver once it arrives. Then the syncs, killed a batch or more in.
    const started = Date.now();
    await enqueueRange(0, WEBHOOKS);
    const webhookIds = jobs.map((job) => job.id);
    await until(
      'every delivery held by the receiver',
      () => summarizeDeliveries(webhookIds, receiver).never === 0,
      25_000,
      200,
    ).catch(() => undefined);
    await enqueueRange(WEBHOOKS, WEBHOOKS + SYNCS);
    const syncs = jobs.flatMap((job) =>
      job.kind === 'sync' ? [{ id: job.id, source: job.source, records: SYNC.records }] : [],
    );
    const syncIds = syncs.map((sync) => sync.id);
    const midBatch = () =>
      countRows(stack, 'id = ANY($1) AND "stepsDone" >= 1 AND "stepsDone" < $2', [
        syncIds,
        SYNC.records / SYNC.batchSize,
      ]);
    await until(
      'the syncs to be mid-run',
      async () => (await midBatch()) >= SYNCS * 0.75,
      HOLD_MS - 10_000 - (Date.now() - started),
      200,
    ).catch(() => undefined);
    const inFlight = {
      webhooks: WEBHOOKS - summarizeDeliveries(webhookIds, receiver).never,
      syncsMidBatch: await midBatch(),
    };

    worker.child.kill('SIGKILL');
    await worker.exited;
    killed = true;
    const killedAt = Date.now();
    await stack.startWorker();
    const restartedAt = Date.now();

    const views = await waitClosed(
      temporal,
      jobs.map((job) => job.id),
      120_000,
    );
    const lastClose = Math.max(...[...views.values()].map((view) => view.closeTime?.getTime() ?? Infinity));
    const outcome = await drillOutcome(drill, views, { webhooks: webhookIds, syncs });
    const figures = {
      inFlightAtKill: inFlight,
      workerRestartMs: restartedAt - killedAt,
      allClosedSecondsAfterRestart: Math.round((lastClose - restartedAt) / 100) / 10,
      ...outcome.figures,
    };
    report('drill 1', 'worker SIGKILL', figures, { 'record mismatches': outcome.mismatches });

    expect(inFlight.webhooks + inFlight.syncsMidBatch).toBeGreaterThanOrEqual(80);
    expect(outcome.notCompleted).toEqual([]);
    expect(outcome.deliveries.never).toBe(0);
    expect(outcome.deliveries.more).toBe(0);
    expect(outcome.inexact).toEqual([]);
    // Lost work is noticed by heartbeat timeouts (10 s), not the 75 s start-to-close.
    expect(figures.allClosedSecondsAfterRestart).toBeLessThan(30);
    expect(outcome.mismatches).toEqual([]);
  });
});
