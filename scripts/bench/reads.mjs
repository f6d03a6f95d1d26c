// Bench module: what reads and enqueue cost as jobs pile up. At each volume (1,000, 5,000 and
// 20,000 recently closed jobs by default) it measures, interleaved with Temporal's own calls:
// uncached jobs.stats, jobs.list vs Temporal's list, jobs.get vs describe, and jobs.enqueue vs a raw
// start plus the HTTP + token floor (auth.me), on a queue no worker polls so nothing competes.
//
// Volume comes cheap: executions that carry JobType, started on a queue no worker polls and timed
// out by Temporal a second later (one start each), with their job records (already final, so the
// throughput rollup counts them, as it would count real ones) inserted in one statement.
import { setTimeout as sleep } from 'node:timers/promises';
import { ms, versus } from './report.mjs';
import { summarize, target, timed, visibilityPacer } from './measure.mjs';
import { JOB_INPUT, JOB_TYPE } from './throughput.mjs';

const SEED_QUEUE = 'bench-seed';
/** A queue no worker polls: enqueue latency without execution competing for the CPU. */
const IDLE_QUEUE = 'bench-idle';
const STATS_LIMIT_MS = 100;

export const readsModule = {
  name: 'reads',
  async run({ config, log, jobdeck, raw, user, pgClient, redisClient, redisPrefix }) {
    const { id: finishedId } = await jobdeck.jobs.enqueue.mutate({ type: JOB_TYPE, input: JOB_INPUT });
    if (!(await raw.closed(finishedId)).ok)
      throw new Error(`the job read by jobs.get (${finishedId}) did not complete`);
    const statsKey = `${redisPrefix}cache:stats`;
    const prefix = `${JOB_TYPE}-seed-${process.pid}-`;
    let seeded = 0;
    const sections = [];
    const targets = [];
    const results = [];

    for (const volume of config.volumes) {
      if (volume > seeded) {
        const t0 = performance.now();
        log(`reads: seeding ${volume - seeded} closed jobs (to ${volume}), ${config.seedConcurrency} starts at a time`);
        await raw.seed({
          prefix,
          from: seeded,
          count: volume - seeded,
          type: JOB_TYPE,
          queue: SEED_QUEUE,
          concurrency: config.seedConcurrency,
        });
        await pgClient.query(
          `INSERT INTO "Job" ("id", "type", "queue", "priority", "state", "input", "requestedBy", "maxAttempts", "error", "createdAt", "finishedAt", "updatedAt")
           SELECT $1 || g, $2, $3, 3, 'timed_out', '{}'::jsonb, 'bench', 1, 'timed out after 1000 ms', now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
             FROM generate_series($4::int, $5::int) AS g`,
          [prefix, JOB_TYPE, SEED_QUEUE, seeded, volume - 1],
        );
        await waitForVisibility(
          raw,
          `JobType IS NOT NULL AND TaskQueue='${SEED_QUEUE}' AND ExecutionStatus='TimedOut'`,
          volume,
        );
        log(`reads: ${volume} seeded jobs closed and visible after ${((performance.now() - t0) / 1000).toFixed(0)} s`);
        seeded = volume;
      }
      const since = new Date(Date.now() - 5 * 60_000).toISOString();
      const recent = await raw.count(`JobType IS NOT NULL AND CloseTime > '${since}'`);
      const retained = await raw.count('JobType IS NOT NULL');
      log(`reads at ${volume}: ${recent} jobs closed in the last 5 minutes, ${retained} in visibility`);

      const samples = {
        statsUncached: [],
        statsCached: [],
        rawStats: [],
        list: [],
        rawList: [],
        get: [],
        rawDescribe: [],
        enqueue: [],
        rawStart: [],
        authMe: [],
      };
      const pace = visibilityPacer(config.visibilityRps);
      let statsCalls = 0;
      const rounds = Math.max(config.reads, config.stats, config.enqueue);
      for (let i = 0; i < rounds; i++) {
        const calls = [];
        if (i < config.stats) {
          calls.push(
            async () => {
              if (redisClient) await redisClient.del(statsKey);
              else await sleep(3_100); // the API's own memory cache: wait it out
              await pace(statsCalls || 12);
              samples.statsUncached.push((await timed(() => jobdeck.jobs.stats.query())).ms);
              samples.statsCached.push((await timed(() => jobdeck.jobs.stats.query())).ms);
            },
            async () => {
              await pace(statsCalls || 12);
              const { ms: took, value } = await timed(() => raw.statsCalls([IDLE_QUEUE, SEED_QUEUE]));
              statsCalls = value;
              samples.rawStats.push(took);
            },
          );
        }
        if (i < config.reads) {
          calls.push(
            async () => {
              await pace(1);
              samples.list.push((await timed(() => jobdeck.jobs.list.query({ limit: 25 }))).ms);
            },
            async () => {
              await pace(1);
              samples.rawList.push((await timed(() => raw.list({}, 25))).ms);
            },
            async () => samples.get.push((await timed(() => jobdeck.jobs.get.query({ id: finishedId }))).ms),
            async () => samples.rawDescribe.push((await timed(() => raw.describe(finishedId))).ms),
          );
        }
        if (i < config.enqueue) {
          calls.push(
            async () =>
              samples.enqueue.push(
                (
                  await timed(() =>
                    jobdeck.jobs.enqueue.mutate({ type: JOB_TYPE, input: JOB_INPUT, options: { queue: IDLE_QUEUE } }),
                  )
                ).ms,
              ),
            async () =>
              samples.rawStart.push(
                (await timed(() => raw.start(JOB_TYPE, JOB_INPUT, user.email, { queue: IDLE_QUEUE }))).ms,
              ),
            async () => samples.authMe.push((await timed(() => jobdeck.auth.me.query())).ms),
          );
        }
        // Alternate the order, so that a burst of load from elsewhere hits both sides alike.
        if (i % 2) calls.reverse();
        for (const call of calls) await call();
      }

      const s = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, summarize(values)]));
      const enqueueLimit = 1.5 * s.rawStart.p50 + s.authMe.p50;
      sections.push({
        title: `reads at ${volume} seeded jobs (${recent} closed in the last 5 min, ${retained} in visibility)`,
        rows: [
          [
            'jobdeck jobs.stats, uncached',
            s.statsUncached,
            '',
            `${versus(s.statsUncached, s.rawStats)} vs its ${statsCalls} visibility calls`,
          ],
          ['jobdeck jobs.stats, cached (3 s)', s.statsCached, '', ''],
          [`raw: its ${statsCalls} visibility calls, in parallel`, s.rawStats, '', ''],
          ['jobdeck jobs.list (limit 25)', s.list, '', versus(s.list, s.rawList)],
          ['raw listWorkflowExecutions (25)', s.rawList, '', ''],
          ['jobdeck jobs.get (finished job)', s.get, '', versus(s.get, s.rawDescribe)],
          ['raw describe', s.rawDescribe, '', ''],
          [
            `jobdeck jobs.enqueue ('${IDLE_QUEUE}', no worker)`,
            s.enqueue,
            '',
            `${versus(s.enqueue, s.rawStart)} vs raw start`,
          ],
          ['raw workflow.start', s.rawStart, '', ''],
          ['jobdeck auth.me (HTTP + token floor)', s.authMe, '', ''],
        ],
      });
      targets.push(
        target(`jobs.stats uncached p95 @${volume}`, s.statsUncached.p95, STATS_LIMIT_MS, { unit: ' ms' }),
        target(`jobs.list / Temporal list @${volume}`, s.list.p50 / s.rawList.p50, 1.3, {
          unit: '×',
          how: `p50 ${ms(s.list.p50)} vs ${ms(s.rawList.p50)} ms; ${beyondFloor(s.list, s.rawList, s.authMe)}`,
        }),
        target(`jobs.get / describe @${volume}`, s.get.p50 / s.rawDescribe.p50, 2, {
          unit: '×',
          how: `p50 ${ms(s.get.p50)} vs ${ms(s.rawDescribe.p50)} ms; ${beyondFloor(s.get, s.rawDescribe, s.authMe)}`,
        }),
        target(`enqueue @${volume}`, s.enqueue.p50, enqueueLimit, {
          unit: ' ms',
          how: `p50; limit = 1.5 × raw start ${ms(s.rawStart.p50)} + auth floor ${ms(s.authMe.p50)} ms`,
        }),
      );
      results.push({ volume, recent, retained, statsVisibilityCalls: statsCalls, summary: s, samplesMs: samples });
    }
    return { sections, lines: [], targets, results };
  },
};

/** What the API adds besides Temporal's own call and the HTTP + token floor every authenticated call pays. */
function beyondFloor(ours, temporalCall, floor) {
  return `HTTP + token floor ${ms(floor.p50)} ms, the rest ${ms(ours.p50 - temporalCall.p50 - floor.p50)} ms`;
}

async function waitForVisibility(raw, query, expected, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const count = await raw.count(query);
    if (count >= expected) return;
    if (Date.now() > deadline)
      throw new Error(`only ${count} of ${expected} seeded jobs closed within ${timeoutMs / 1000} s`);
    await sleep(1_000);
  }
}
