// Bench module: what a job costs to run. The same one-record sync, M jobs submitted C at a time,
// three ways in interleaved rounds: as a Jobdeck job enqueued through the API, as a Jobdeck job
// started straight into Temporal (skipping the API), and as the bare workflow (one activity, no
// Jobdeck shell) on its own worker, the limit. Prints jobs/s, history events and CPU per job.
import { cpus } from 'node:os';
import { cpuLine, ms, rate, versus } from './report.mjs';
import { median, pool, summarize, target, timed, withTimeout } from './measure.mjs';

export const JOB_TYPE = 'data.sync';
export const JOB_INPUT = { source: 'bench', records: 1, batchSize: 1 };
const BARE_INPUT = { source: 'bench', records: 1 };
const COMPLETION_TIMEOUT_MS = 300_000;

export const throughputModule = {
  name: 'throughput',
  async run({ config, log, jobdeck, raw, user, meter }) {
    const ways = {
      jobdeck: {
        label: 'Jobdeck, enqueued through the API',
        worker: 'worker',
        start: () => jobdeck.jobs.enqueue.mutate({ type: JOB_TYPE, input: JOB_INPUT }).then((result) => result.id),
        closed: raw.closed,
        history: raw.history,
      },
      direct: {
        label: 'Jobdeck, started straight into Temporal',
        worker: 'worker',
        start: () => raw.start(JOB_TYPE, JOB_INPUT, user.email).then((result) => result.id),
        closed: raw.closed,
        history: raw.history,
      },
      bare: {
        label: 'bare workflow (one activity, no shell)',
        worker: 'bare worker',
        start: () => raw.bare.start(BARE_INPUT),
        closed: raw.bare.closed,
        history: raw.bare.history,
      },
    };

    log(`throughput: warming up (${config.warmup} jobs each way)`);
    for (const way of Object.values(ways)) {
      const ids = [];
      for (let i = 0; i < config.warmup; i++) ids.push(await way.start());
      await waitAll(ids, way, `warm-up jobs (${way.label})`);
    }

    const runs = Object.fromEntries(Object.keys(ways).map((name) => [name, []]));
    for (let round = 0; round < config.rounds; round++) {
      const order = round % 2 ? Object.keys(ways).reverse() : Object.keys(ways);
      for (const name of order) {
        log(
          `throughput round ${round + 1}/${config.rounds}: ${ways[name].label}, ${config.jobs} jobs, ${config.concurrency} submitted at a time`,
        );
        runs[name].push(await runOnce(ways[name], config, meter));
      }
    }

    const figures = {};
    for (const [name, way] of Object.entries(ways)) {
      const list = runs[name];
      const jobs = config.jobs * list.length;
      const cpuPerJob = (group) =>
        list.every((run) => run.cpu)
          ? (list.reduce((sum, run) => sum + (run.cpu.cpuSeconds[group] ?? 0), 0) * 1000) / jobs
          : NaN;
      figures[name] = {
        perSecond: median(list.map((run) => run.completedPerSecond)),
        perRound: list.map((run) => run.completedPerSecond),
        temporalCpuMs: cpuPerJob('temporal'),
        workerCpuMs: cpuPerJob(way.worker),
        apiCpuMs: cpuPerJob('api'),
        history: await way.history(list.at(-1).lastId),
        enqueue: summarize(list.flatMap((run) => run.enqueueMs)),
        endToEnd: summarize(list.flatMap((run) => run.endToEndMs)),
      };
    }
    const { jobdeck: ours, direct, bare } = figures;

    const sections = [
      {
        title: `end to end: ${config.jobs} jobs × ${config.rounds} round(s), ${config.concurrency} submitted at a time (median jobs/s of the rounds)`,
        rows: [
          [
            'Jobdeck via API, submit→completed',
            ours.endToEnd,
            rate(ours.perSecond),
            `${versus(ours.endToEnd, bare.endToEnd)} vs bare; throughput ${(ours.perSecond / bare.perSecond).toFixed(2)}×`,
          ],
          [
            'Jobdeck started raw, submit→completed',
            direct.endToEnd,
            rate(direct.perSecond),
            `${versus(direct.endToEnd, bare.endToEnd)} vs bare; throughput ${(direct.perSecond / bare.perSecond).toFixed(2)}×`,
          ],
          ['bare workflow, submit→completed', bare.endToEnd, rate(bare.perSecond), 'the limit'],
          [
            'Jobdeck jobs.enqueue (per call, under load)',
            ours.enqueue,
            '',
            `${versus(ours.enqueue, direct.enqueue)} vs raw start`,
          ],
          ['raw workflow.start of the same job', direct.enqueue, '', ''],
        ],
      },
    ];

    const ceiling = cpuCeiling(runs, config.jobs);
    const kinds = (history) =>
      Object.entries(history.byType)
        .sort((a, b) => b[1] - a[1])
        .map(([kind, count]) => `${kind} ${count}`)
        .join(', ');
    const lines = [
      `history of one finished job: Jobdeck ${ours.history.events} events (${kinds(ours.history)})`,
      `                             bare    ${bare.history.events} events (${kinds(bare.history)})`,
      `CPU ms per job: Temporal ${ms(ours.temporalCpuMs)} (Jobdeck via API) / ${ms(direct.temporalCpuMs)} (Jobdeck raw) / ${ms(bare.temporalCpuMs)} (bare); ` +
        `worker ${ms(ours.workerCpuMs)} / ${ms(direct.workerCpuMs)} / ${ms(bare.workerCpuMs)}; API ${ms(ours.apiCpuMs)} (Jobdeck via API)`,
      ceiling
        ? `CPU per job, every process: Jobdeck via API ${ms(ceiling.ours)}, bare ${ms(ceiling.bare)} ms (machine busy ${ceiling.busy.toFixed(2)} of ${cpus().length} cores: throughput is CPU-bound, so the ratio ≈ ${(ceiling.bare / ceiling.ours).toFixed(2)}×).\n` +
          `  Ceiling: were the Jobdeck worker to cost only what the bare worker does (${ms(ceiling.bareWorker)} instead of ${ms(ceiling.ourWorker)} ms), the rest of this run's CPU (API, Temporal, Postgres, Redis) would allow ${ceiling.freeWorker.toFixed(2)}×; with no API either, ${ceiling.freeWorkerNoApi.toFixed(2)}×`
        : 'CPU ceiling: needs /proc',
      `jobs/s per round: ${Object.entries(figures)
        .map(([name, f]) => `${name} ${f.perRound.map((value) => value.toFixed(1)).join(', ')}`)
        .join('; ')}`,
      ...Object.entries(runs).flatMap(([name, list]) =>
        list.map((run, i) => cpuLine(`CPU ${name} round ${i + 1}`, run.cpu, config.jobs)),
      ),
    ];

    const targets = [
      target('throughput Jobdeck (API) / bare', ours.perSecond / bare.perSecond, 0.9, {
        atMost: false,
        unit: '×',
        how: `${ours.perSecond.toFixed(1)} vs ${bare.perSecond.toFixed(1)} jobs/s`,
      }),
      target('history events per job', ours.history.events, 15, { how: `bare: ${bare.history.events}` }),
      target('Temporal CPU per job / bare', ours.temporalCpuMs / bare.temporalCpuMs, 1.2, {
        unit: '×',
        how: `${ms(ours.temporalCpuMs)} vs ${ms(bare.temporalCpuMs)} ms`,
      }),
    ];
    return {
      sections,
      lines,
      targets,
      results: {
        figures,
        runs: Object.fromEntries(
          Object.entries(runs).map(([name, list]) => [name, list.map(({ lastId, ...run }) => run)]),
        ),
      },
    };
  },
};

/**
 * What the target allows on this machine, from the same run's CPU accounting: when every core is
 * busy, jobs/s is inversely proportional to the CPU a job costs across every process.
 */
function cpuCeiling(runs, jobs) {
  const perJob = (list, group) =>
    (list.reduce((sum, run) => sum + (run.cpu?.cpuSeconds[group] ?? 0), 0) * 1000) / (jobs * list.length);
  const total = (list) =>
    Object.keys(list[0]?.cpu?.cpuSeconds ?? {}).reduce((sum, group) => sum + perJob(list, group), 0);
  if (!runs.jobdeck.every((run) => run.cpu) || !runs.bare.every((run) => run.cpu)) return null;
  const ours = total(runs.jobdeck);
  const bare = total(runs.bare);
  const ourWorker = perJob(runs.jobdeck, 'worker');
  const bareWorker = perJob(runs.bare, 'bare worker');
  const api = perJob(runs.jobdeck, 'api');
  const busy =
    runs.jobdeck.reduce((sum, run) => sum + run.cpu.machineBusySeconds / run.cpu.seconds, 0) / runs.jobdeck.length;
  return {
    ours,
    bare,
    ourWorker,
    bareWorker,
    busy,
    freeWorker: bare / (ours - ourWorker + bareWorker),
    freeWorkerNoApi: bare / (ours - ourWorker + bareWorker - api),
  };
}

async function waitAll(ids, way, what) {
  const closed = await withTimeout(Promise.all(ids.map((id) => way.closed(id))), COMPLETION_TIMEOUT_MS, what);
  const failed = closed.filter((entry) => !entry.ok);
  if (failed.length)
    throw new Error(`${failed.length} of ${ids.length} ${what} did not complete (e.g. ${failed[0].status})`);
  return closed;
}

async function runOnce(way, config, meter) {
  const cpu = meter();
  await cpu.start();
  const submitted = new Array(config.jobs);
  const enqueueMs = new Array(config.jobs);
  const waits = new Array(config.jobs);
  let lastId = null;
  const t0 = Date.now();
  await pool(config.jobs, config.concurrency, async (i) => {
    submitted[i] = Date.now();
    const { ms: took, value: id } = await timed(way.start);
    enqueueMs[i] = took;
    lastId = id;
    waits[i] = way.closed(id);
  });
  const closed = await withTimeout(Promise.all(waits), COMPLETION_TIMEOUT_MS, way.label);
  const failed = closed.filter((entry) => !entry.ok);
  if (failed.length)
    throw new Error(
      `${failed.length} of ${config.jobs} jobs (${way.label}) did not complete (e.g. ${failed[0].status})`,
    );
  const completionWallMs = Math.max(...closed.map((entry) => entry.closeTime)) - t0;
  return {
    completedPerSecond: config.jobs / (completionWallMs / 1000),
    completionWallMs,
    enqueueMs,
    endToEndMs: closed.map((entry, i) => entry.closeTime - submitted[i]),
    cpu: await cpu.stop(),
    lastId,
  };
}
