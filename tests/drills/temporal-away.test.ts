// Drill 4: the Temporal server goes away for a minute (and comes back on the same SQLite file).
// Enqueue fails fast with a 503, leaves no record behind and is not carried out later; the API and
// the worker stay up and reconnect by themselves; the jobs that were running complete.
import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { until } from '../support/drill-stack';
import {
  countRows,
  describeJob,
  drillOutcome,
  get,
  post,
  report,
  waitClosed,
  type Answered,
} from '../support/drill-checks';
import { useDrill } from '../support/drill-setup';

const TEMPORAL_AWAY_MS = 60_000;
/** "Fails fast": a refused enqueue answers within this. */
const FAST_MS = 5_000;
const SYNC = { records: 200, batchSize: 10, throttleMs: 500 };

const drill = useDrill({
  name: 'temporal-away',
  answer: (_n, request) => ({
    status: 200,
    delayMs: request.body.includes('"inflight"') ? 5_000 : 50,
  }),
});

describe('drill: Temporal away for a minute', () => {
  it('enqueue fails fast with 503 and leaves nothing behind; API and worker reconnect; running jobs complete', async () => {
    const { stack, receiver, client, token, api, worker, temporal } = drill;
    const webhooks = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        client.jobs.enqueue.mutate({
          type: 'webhook.deliver',
          input: { url: receiver.url, payload: { drill: 4, inflight: i } },
        }),
      ),
    );
    const syncs = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => ({
        source: `drill4.s${i}`,
        records: SYNC.records,
        id: (await client.jobs.enqueue.mutate({ type: 'data.sync', input: { source: `drill4.s${i}`, ...SYNC } })).id,
      })),
    );
    const inflightIds = [...webhooks.map((job) => job.id), ...syncs.map((sync) => sync.id)];
    await until(
      'jobs in flight',
      async () =>
        receiver.requests.length >= 5 &&
        (await countRows(stack, 'id = ANY($1) AND "stepsDone" >= 2', [syncs.map((s) => s.id)])) >= 4,
      30_000,
      200,
    );

    await stack.temporal.stop();
    const stoppedAt = Date.now();
    const answers: Array<Answered & { what: string }> = [];
    const keys: string[] = [];
    for (let n = 0; Date.now() - stoppedAt < TEMPORAL_AWAY_MS - 5_000; n++) {
      const key = `drill4-away-${n}`;
      keys.push(key);
      const input = (keyed: boolean) => ({
        type: 'webhook.deliver',
        input: { url: receiver.url, payload: { drill: 4, away: n, keyed } },
        ...(keyed ? { options: { idempotencyKey: key } } : {}),
      });
      // A client that gives up after 10 s, as a service would: what it gave up on must never be carried out later.
      answers.push(
        ...(await Promise.all([
          post(api.url, 'jobs.enqueue', token, input(true), 10_000).then((answer) => ({
            ...answer,
            what: 'enqueue (key)',
          })),
          post(api.url, 'jobs.enqueue', token, input(false), 10_000).then((answer) => ({ ...answer, what: 'enqueue' })),
          get(api.url, 'jobs.get', token, { id: inflightIds[0] }, 10_000).then((answer) => ({
            ...answer,
            what: 'jobs.get',
          })),
        ])),
      );
      await sleep(3_000);
    }
    await sleep(Math.max(0, TEMPORAL_AWAY_MS - (Date.now() - stoppedAt)));
    await stack.temporal.start();
    const backAt = Date.now();

    // A service that retries finds the API working again without anyone restarting it.
    let reconnectedMs = NaN;
    let probe: string | undefined;
    await until(
      'an enqueue to succeed again',
      async () => {
        const answer = await post(
          api.url,
          'jobs.enqueue',
          token,
          { type: 'webhook.deliver', input: { url: receiver.url, payload: { drill: 4, probe: true } } },
          10_000,
        );
        if (answer.status !== 200) return false;
        probe = answer.json.result.data.id;
        reconnectedMs = Date.now() - backAt;
        return true;
      },
      60_000,
      1_000,
    ).catch(() => undefined);

    const views = await waitClosed(temporal, [...inflightIds, ...(probe ? [probe] : [])], 120_000);
    // Late starts get their chance to show: anything the outage's requests left would exist by now.
    await sleep(5_000);
    const lateStarts = (
      await Promise.all(
        keys.map((key) =>
          describeJob(temporal, `webhook.deliver-key-${key}`).then(
            () => key,
            () => null,
          ),
        ),
      )
    ).filter(Boolean);
    const awayPosts = receiver.requests.filter((request) => request.body.includes('"away"')).length;
    const orphanRows = await countRows(stack, `input->'payload'->>'away' IS NOT NULL`, []);
    const enqueues = answers.filter((answer) => answer.what.startsWith('enqueue'));
    const outcome = await drillOutcome(drill, views, { webhooks: webhooks.map((job) => job.id), syncs });
    const tally = (list: Array<Answered & { what: string }>) =>
      list.reduce<Record<string, number>>(
        (acc, a) => (
          (acc[`${a.what} ${a.status || a.error}`] = (acc[`${a.what} ${a.status || a.error}`] ?? 0) + 1),
          acc
        ),
        {},
      );
    const figures = {
      temporalAwaySeconds: TEMPORAL_AWAY_MS / 1000,
      answersWhileAway: tally(answers),
      enqueueMsMax: Math.max(...enqueues.map((answer) => answer.ms)),
      jobsGetMsMax: Math.max(...answers.filter((answer) => answer.what === 'jobs.get').map((answer) => answer.ms)),
      orphanRows,
      lateStarts: lateStarts.length,
      awayPostsDelivered: awayPosts,
      enqueueWorksAgainMsAfterReturn: reconnectedMs,
      apiAlive: api.child.exitCode === null,
      workerAlive: worker.child.exitCode === null,
      ...outcome.figures,
    };
    report('drill 4', 'Temporal away', figures, { 'record mismatches': outcome.mismatches });

    expect(figures.apiAlive && figures.workerAlive).toBe(true);
    expect(
      enqueues
        .filter((answer) => answer.status !== 503)
        .map((answer) => `${answer.what}: ${answer.status || answer.error} after ${answer.ms} ms`),
    ).toEqual([]);
    expect(figures.enqueueMsMax).toBeLessThan(FAST_MS);
    expect({ orphanRows, lateStarts: lateStarts.length, awayPosts }).toEqual({
      orphanRows: 0,
      lateStarts: 0,
      awayPosts: 0,
    });
    expect(probe).toBeDefined();
    expect(outcome.notCompleted).toEqual([]);
    expect(outcome.deliveries).toMatchObject({ never: 0, more: 0 });
    expect(outcome.inexact).toEqual([]);
    expect(outcome.mismatches).toEqual([]);
  });
});
