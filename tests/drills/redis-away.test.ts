// Drill 2: Redis goes away for a minute while jobs are enqueued at a steady rate. Redis only carries
// what may be lost (live events, caches, counters): enqueue and processing must not notice, and
// nothing is lost. (The dashboard's "polling" indicator is tested by the e2e suite.)
import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { drillOutcome, percentile, post, report, waitClosed, type Answered } from '../support/drill-checks';
import { useDrill } from '../support/drill-setup';

/** As long as the drill: the whole suite stays within its budget with it. */
const REDIS_AWAY_MS = 60_000;
const LOAD_AROUND_MS = 10_000;
const ENQUEUE_EVERY_MS = 500;
const SYNC = { records: 20, batchSize: 10, throttleMs: 0 };

const drill = useDrill({ name: 'redis-away' });

type Phase = 'before' | 'away' | 'after';

describe('drill: Redis away for a minute under enqueue load', () => {
  it('enqueue and processing carry on unaffected, and nothing is lost', async () => {
    const {
      stack,
      receiver,
      token,
      api: { url: apiUrl },
      temporal,
    } = drill;
    let phase: Phase = 'before';
    const answers: Array<Answered & { phase: Phase; kind: 'webhook' | 'sync'; source?: string }> = [];
    let stopLoad = false;
    const load = (async () => {
      const pending: Promise<void>[] = [];
      for (let i = 0; !stopLoad; i++) {
        const kind = i % 2 ? 'sync' : 'webhook';
        const source = `drill2.s${i}`;
        const input =
          kind === 'webhook'
            ? { type: 'webhook.deliver', input: { url: receiver.url, payload: { drill: 2, i } } }
            : { type: 'data.sync', input: { source, ...SYNC } };
        const at = phase;
        pending.push(
          post(apiUrl, 'jobs.enqueue', token, input).then(
            (answer) => void answers.push({ ...answer, phase: at, kind, source }),
          ),
        );
        await sleep(ENQUEUE_EVERY_MS);
      }
      await Promise.all(pending);
    })();

    await sleep(LOAD_AROUND_MS);
    await stack.redis.stop();
    phase = 'away';
    await sleep(REDIS_AWAY_MS);
    await stack.redis.start();
    phase = 'after';
    await sleep(LOAD_AROUND_MS);
    stopLoad = true;
    await load;

    const ok = answers.filter((answer) => answer.status === 200);
    const failed = answers.filter((answer) => answer.status !== 200);
    const ids = ok.map((answer) => answer.json.result.data.id as string);
    const views = await waitClosed(temporal, ids, 90_000);
    const webhookIds = ok
      .filter((answer) => answer.kind === 'webhook')
      .map((answer) => answer.json.result.data.id as string);
    const syncs = ok
      .filter((answer) => answer.kind === 'sync')
      .map((answer) => ({ id: answer.json.result.data.id as string, source: answer.source!, records: SYNC.records }));
    const outcome = await drillOutcome(drill, views, { webhooks: webhookIds, syncs });
    const latency = (which: Phase) => {
      const ms = answers.filter((answer) => answer.phase === which).map((answer) => answer.ms);
      return { n: ms.length, p50: percentile(ms, 50), p95: percentile(ms, 95), max: Math.max(...ms) };
    };
    const figures = {
      redisAwaySeconds: REDIS_AWAY_MS / 1000,
      enqueued: answers.length,
      enqueueFailed: failed.map((answer) => `${answer.phase}: ${answer.status || answer.error}`),
      enqueueMs: { before: latency('before'), away: latency('away'), after: latency('after') },
      ...outcome.figures,
    };
    report('drill 2', 'Redis away', figures, { 'record mismatches': outcome.mismatches });

    expect(failed).toEqual([]);
    expect(figures.enqueueMs.away.p95).toBeLessThan(Math.max(1_000, 3 * figures.enqueueMs.before.p95));
    expect(outcome.notCompleted).toEqual([]);
    expect(outcome.deliveries).toMatchObject({ never: 0, more: 0, twice: 0 });
    expect(outcome.inexact).toEqual([]);
    expect(outcome.mismatches).toEqual([]);
  });
});
