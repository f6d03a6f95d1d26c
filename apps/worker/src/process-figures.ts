import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { JobRecordSinks } from '@jobdeck/workflows';

// What a worker's report says of its process (reporter.ts sends it): work done, CPU, memory, event loop.

/** What the worker counts for its reports: jobs ended (the record sink) and activities finished (an interceptor). */
export function createWorkCounters() {
  const counts = { jobsDone: 0, activitiesDone: 0 };
  return {
    counts: () => ({ ...counts }),
    /** The record sinks, counting each job end this process records (not on replay: the sink is not called then). */
    countingSinks(sinks: InjectedSinks<JobRecordSinks>): InjectedSinks<JobRecordSinks> {
      const finished = sinks.jobRecords.finished;
      return {
        ...sinks,
        jobRecords: {
          ...sinks.jobRecords,
          finished: {
            ...finished,
            fn: (...args: Parameters<typeof finished.fn>) => {
              counts.jobsDone += 1;
              return finished.fn(...args);
            },
          },
        },
      };
    },
    activityCounting: (): ActivityInterceptorsFactory => () => ({
      inbound: {
        async execute(input, next) {
          try {
            return await next(input);
          } finally {
            counts.activitiesDone += 1;
          }
        },
      },
    }),
  };
}

/** CPU, memory and event-loop delay of this process since the previous call. */
export function processSampler() {
  // The histogram records whole timer intervals: the delay is what exceeds the resolution.
  const resolution = 10;
  const loop = monitorEventLoopDelay({ resolution });
  loop.enable();
  let cpu = process.cpuUsage();
  let wall = process.hrtime.bigint();
  const ms = (nanoseconds: number) =>
    Number.isFinite(nanoseconds) ? Math.max(0, Math.round((nanoseconds / 1e6 - resolution) * 100) / 100) : 0;
  return {
    sample() {
      const now = process.hrtime.bigint();
      const used = process.cpuUsage(cpu);
      const elapsedMicros = Number(now - wall) / 1_000;
      cpu = process.cpuUsage();
      wall = now;
      const memory = process.memoryUsage();
      const delay =
        loop.count > 0 ? { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)) } : { p50: 0, p99: 0 };
      loop.reset();
      return {
        cpuPercent: elapsedMicros > 0 ? Math.round(((used.user + used.system) / elapsedMicros) * 1_000) / 10 : 0,
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        eventLoopDelayMs: delay,
      };
    },
    stop: () => loop.disable(),
  };
}
