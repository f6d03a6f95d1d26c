// Bench module: live fan-out (issue 8). Runs the same jobs with 1 and with 200 live streams open
// over real HTTP/SSE and measures, per phase, the delay from an event's publication on Redis to its
// receipt by each stream (progress events), and the API process's CPU per job. The 200 streams are
// opened three ways: as the dashboard now opens them (narrowed to what each page shows, batched),
// subscribed to everything but batched, and subscribed to everything one SSE message per event (a
// plain curl-style client; information only). Targets: p95 ≤ 200 ms and API CPU per job ≤ 2× the
// single-stream figure with 200 dashboards open.
//
// Standalone: node scripts/bench/fanout-run.mjs [--jobs 80] [--concurrency 8] [--streams 200]
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { pool, summarize, target, withTimeout } from './measure.mjs';
import { cpuLine, ms } from './report.mjs';

const JOB_INPUT = { source: 'bench.fanout', records: 40, batchSize: 10, throttleMs: 25 };
const COMPLETION_TIMEOUT_MS = 300_000;

/** One live stream read the way any SSE client reads it; counts messages and progress delays. */
function openStream(apiUrl, token, input, onEvent) {
  return new Promise((resolve, reject) => {
    const url = `${apiUrl}/trpc/events.subscribe?input=${encodeURIComponent(JSON.stringify(input))}`;
    const stats = { messages: 0, events: 0 };
    const req = request(
      url,
      { agent: false, headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` } },
      (res) => {
        if (res.statusCode !== 200)
          return reject(new Error(`events.subscribe answered ${res.statusCode} for ${JSON.stringify(input)}`));
        res.setEncoding('utf8');
        let buffer = '';
        let connected = false;
        res.on('data', (chunk) => {
          buffer += chunk;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            // tRPC ends each message with a blank line after its own newline: blocks may start with one.
            const block = buffer.slice(0, end).replace(/^\n+/, '');
            buffer = buffer.slice(end + 2);
            if (block.startsWith('event: connected')) {
              connected = true;
              resolve({ stats, close: () => req.destroy() });
              continue;
            }
            const data = block.split('\n').find((line) => line.startsWith('data: '));
            if (!connected || !data || block.startsWith('event:') || data.length <= 6) continue;
            const receivedAt = Date.now();
            let message;
            try {
              message = JSON.parse(data.slice(6));
            } catch {
              stats.unreadable = (stats.unreadable ?? 0) + 1;
              continue;
            }
            stats.messages += 1;
            for (const event of message.kind === 'batch' ? message.events : [message]) {
              stats.events += 1;
              onEvent(event, receivedAt);
            }
          }
        });
      },
    );
    req.on('error', (error) => (error.code === 'ECONNRESET' ? undefined : reject(error)));
    req.end();
  });
}

const isProgress = (event) => event.kind === 'job.updated' && event.progress && !event.state;
const keyOf = (event) => `${event.jobId}|${event.at}|${event.progress?.percent}`;

/**
 * ctx: { apiUrl, token (an admin or operator token), env (the stack's: REDIS_URL,
 * JOBDECK_REDIS_PREFIX), meter() (scripts/lib/bench-cpu.mjs's cpuMeter with an `api` group),
 * log(message), config?: { fanoutJobs, fanoutConcurrency, fanoutStreams, fanoutPerEvent } }.
 * Returns { sections, lines, targets, results } like the other bench modules.
 */
export async function runFanoutBench(ctx) {
  const { apiUrl, token, env = {}, meter, log = console.log } = ctx;
  const jobs = ctx.config?.fanoutJobs ?? 80;
  const concurrency = ctx.config?.fanoutConcurrency ?? 8;
  const streams = ctx.config?.fanoutStreams ?? 200;
  const perEventPhase = ctx.config?.fanoutPerEvent ?? true;
  const runTag = Date.now().toString(36);

  // When each event went out: seen by this process's own Redis subscriber, not stamped by the
  // publisher (whose `at` precedes its Postgres write). Without Redis, `at` is the fallback.
  const publishedAt = new Map();
  let redis = null;
  if (env.REDIS_URL) {
    const { Redis } = await import('ioredis');
    redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 });
    await redis.subscribe(`${env.JOBDECK_REDIS_PREFIX ?? ''}events`);
    redis.on('message', (_channel, text) => {
      const event = JSON.parse(text);
      if (isProgress(event)) publishedAt.set(keyOf(event), Date.now());
    });
  }

  async function enqueue(key) {
    const send = () =>
      fetch(`${apiUrl}/trpc/jobs.enqueue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ type: 'data.sync', input: JOB_INPUT, options: { idempotencyKey: key } }),
      });
    // A kept-alive socket the server closed meanwhile fails the fetch: the key makes a retry safe.
    const response = await send().catch(() => sleep(200).then(send));
    if (!response.ok) throw new Error(`jobs.enqueue answered ${response.status}: ${await response.text()}`);
    return (await response.json()).result.data.id;
  }

  /** One phase: open the streams, run the jobs C at a time until each stream that follows them saw the end. */
  let phases = 0;
  async function phase(name, inputsFor) {
    const slug = ++phases;
    const keys = Array.from({ length: jobs }, (_, i) => `fanout-${runTag}-${slug}-${i}`);
    const ids = keys.map((key) => `data.sync-key-${key}`);
    const mine = new Set(ids);
    const delays = [];
    const ended = new Set();
    const inputs = inputsFor(ids);
    log(`fan-out ${name}: ${inputs.length} stream(s), ${jobs} jobs, ${concurrency} at a time`);
    const opened = [];
    await pool(inputs.length, 20, async (i) => {
      opened[i] = await openStream(apiUrl, token, inputs[i], (event, receivedAt) => {
        if (!mine.has(event.jobId)) return;
        if (event.state === 'completed') ended.add(event.jobId);
        if (!isProgress(event)) return;
        const sent = publishedAt.get(keyOf(event)) ?? Date.parse(event.at);
        delays.push(receivedAt - sent);
      });
    });
    await sleep(500);
    const cpu = meter();
    await cpu.start();
    const t0 = performance.now();
    await pool(jobs, concurrency, async (i) => {
      await enqueue(keys[i]);
      // Paced by the jobs' own end, as a dashboard's load comes: C running at any time.
      await withTimeout(
        (async () => {
          while (!ended.has(ids[i])) await sleep(20);
        })(),
        COMPLETION_TIMEOUT_MS,
        `job ${ids[i]} to be seen completed`,
      );
    });
    const seconds = (performance.now() - t0) / 1000;
    const usage = await cpu.stop();
    await sleep(300);
    for (const stream of opened) stream.close();
    const messages = opened.reduce((sum, stream) => sum + stream.stats.messages, 0);
    const events = opened.reduce((sum, stream) => sum + stream.stats.events, 0);
    await sleep(500);
    return {
      name,
      streams: inputs.length,
      delay: summarize(delays),
      apiCpuMsPerJob: usage ? (usage.cpuSeconds.api * 1000) / jobs : NaN,
      messagesPerJob: messages / jobs,
      eventsPerJob: events / jobs,
      jobsPerSecond: jobs / seconds,
      cpu: usage,
    };
  }

  // The dashboard's way (apps/web/src/lib/live-scope.ts): job pages follow one job, job tables
  // their rows plus state changes, overviews state changes only; one message per window.
  const dashboards = (ids) =>
    Array.from({ length: streams }, (_, i) => {
      if (i % 2 === 0) return { jobId: ids[(i / 2) % ids.length], batch: true };
      if (i % 4 === 1) return { jobIds: ids.slice((i * 7) % ids.length).slice(0, 25), kinds: ['state'], batch: true };
      return { kinds: ['state'], batch: true };
    });

  const results = {};
  try {
    results.single = await phase('1 stream, everything', () => [{}]);
    results.narrowed = await phase(`${streams} dashboards, narrowed`, dashboards);
    results.batched = await phase(`${streams} streams, everything, batched`, () =>
      Array.from({ length: streams }, () => ({ batch: true })),
    );
    // Information only: a failure here (the bench itself swamped by 200 × every event) keeps the rest.
    if (perEventPhase) {
      results.perEvent = await phase(`${streams} streams, everything, one message per event`, () =>
        Array.from({ length: streams }, () => ({})),
      ).catch((error) => {
        log(`fan-out: the one-message-per-event phase failed: ${error.message}`);
        return undefined;
      });
      if (!results.perEvent) delete results.perEvent;
    }
  } finally {
    redis?.disconnect();
  }

  const rows = Object.values(results).map((r) => [
    `${r.name}`,
    r.delay,
    `${r.jobsPerSecond.toFixed(1)}/s`,
    `API ${ms(r.apiCpuMsPerJob)} ms CPU/job; ${r.messagesPerJob.toFixed(0)} SSE messages, ${r.eventsPerJob.toFixed(0)} events per job`,
  ]);
  const single = results.single.apiCpuMsPerJob;
  const targets = [
    target(`progress delay p95, ${streams} dashboards (narrowed)`, results.narrowed.delay.p95, 200, {
      unit: ' ms',
      how: `p50 ${ms(results.narrowed.delay.p50)} ms; 1 stream: p50 ${ms(results.single.delay.p50)}, p95 ${ms(results.single.delay.p95)} ms`,
    }),
    target(`API CPU/job, ${streams} dashboards / 1 stream`, results.narrowed.apiCpuMsPerJob / single, 2, {
      unit: '×',
      how: `${ms(results.narrowed.apiCpuMsPerJob)} vs ${ms(single)} ms`,
    }),
    target(`progress delay p95, ${streams} streams of everything (batched)`, results.batched.delay.p95, 200, {
      unit: ' ms',
      how: `p50 ${ms(results.batched.delay.p50)} ms`,
    }),
    target(`API CPU/job, ${streams} streams of everything (batched) / 1`, results.batched.apiCpuMsPerJob / single, 2, {
      unit: '×',
      how: `${ms(results.batched.apiCpuMsPerJob)} vs ${ms(single)} ms`,
    }),
  ];
  const lines = [
    `fan-out: delay = receipt by a stream − publication on Redis${redis ? '' : " (no Redis: the event's own timestamp)"}, progress events of the bench's jobs; job: data.sync ${JSON.stringify(JOB_INPUT)}`,
    ...(results.perEvent
      ? [
          `fan-out, information: ${streams} plain clients of everything, one SSE message per event: p95 ${ms(results.perEvent.delay.p95)} ms, API ${ms(results.perEvent.apiCpuMsPerJob)} ms CPU/job (${(results.perEvent.apiCpuMsPerJob / single).toFixed(1)}×)`,
        ]
      : []),
    ...Object.values(results).map((r) => cpuLine(`CPU fan-out ${r.name}`, r.cpu, jobs)),
  ];
  return {
    sections: [
      {
        title: `live fan-out: delay from publication to receipt of progress events (ms), ${jobs} jobs per phase`,
        rows,
      },
    ],
    lines,
    targets,
    results: Object.fromEntries(
      Object.entries(results).map(([key, { cpu, ...rest }]) => [key, { ...rest, cpuSeconds: cpu?.cpuSeconds ?? null }]),
    ),
  };
}

export const fanoutModule = { name: 'fanout', run: runFanoutBench };
