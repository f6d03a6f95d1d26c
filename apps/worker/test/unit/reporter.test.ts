import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadWorkerConfig } from '../../src/config';
import { createWorkCounters, processSampler } from '../../src/process-figures';
import { reportTtlMs, startReporter } from '../../src/reporter';

const env = {
  DATABASE_URL: 'postgres://127.0.0.1/none',
  JOBDECK_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
};

describe('JOBDECK_REPORT_INTERVAL_MS', () => {
  it('defaults to 5 s and takes 1 s to 60 s', () => {
    expect(loadWorkerConfig(env).reportIntervalMs).toBe(5_000);
    expect(loadWorkerConfig({ ...env, JOBDECK_REPORT_INTERVAL_MS: '1000' }).reportIntervalMs).toBe(1_000);
    expect(() => loadWorkerConfig({ ...env, JOBDECK_REPORT_INTERVAL_MS: '999' })).toThrow(/JOBDECK_REPORT_INTERVAL_MS/);
    expect(() => loadWorkerConfig({ ...env, JOBDECK_REPORT_INTERVAL_MS: '60001' })).toThrow(
      /JOBDECK_REPORT_INTERVAL_MS/,
    );
    expect(() => loadWorkerConfig({ ...env, JOBDECK_REPORT_INTERVAL_MS: 'soon' })).toThrow(
      /JOBDECK_REPORT_INTERVAL_MS/,
    );
  });
});

describe('the report', () => {
  it('outlives three missed reports and is gone after about a minute', () => {
    expect(reportTtlMs(5_000)).toBe(60_000);
    expect(reportTtlMs(30_000)).toBe(120_000);
    expect(reportTtlMs(30_000)).toBeGreaterThan(3 * 30_000);
  });

  it('measures CPU, memory and event-loop delay of this process', async () => {
    const sampler = processSampler();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const until = Date.now() + 150;
    while (Date.now() < until); // busy: the CPU share is clearly above zero, and the loop is delayed
    await new Promise((resolve) => setTimeout(resolve, 50));
    const sample = sampler.sample();
    sampler.stop();
    expect(sample.cpuPercent).toBeGreaterThan(20);
    expect(sample.rssBytes).toBeGreaterThan(sample.heapUsedBytes);
    expect(sample.heapUsedBytes).toBeGreaterThan(0);
    expect(sample.eventLoopDelayMs.p99).toBeGreaterThanOrEqual(sample.eventLoopDelayMs.p50);
    expect(sample.eventLoopDelayMs.p99).toBeGreaterThan(100);
  });

  it('counts job ends through the record sink and finished activities through the interceptor', async () => {
    const counters = createWorkCounters();
    const ended: string[] = [];
    const sinks = counters.countingSinks({
      jobRecords: {
        started: { fn: () => undefined },
        finished: { fn: (_info: unknown, jobId: string) => void ended.push(jobId), callDuringReplay: false },
      },
    } as never);
    await sinks.jobRecords.finished.fn({} as never, 'job-1', {} as never);
    expect(sinks.jobRecords.finished.callDuringReplay).toBe(false);
    expect(ended).toEqual(['job-1']);
    const inbound = counters.activityCounting()({} as never).inbound!;
    await inbound.execute!({} as never, async () => 'ok');
    await expect(inbound.execute!({} as never, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(counters.counts()).toEqual({ jobsDone: 1, activitiesDone: 2 });
  });
});

describe('the reporter', () => {
  const options = {
    prefix: 'unit:',
    intervalMs: 1_000,
    slots: () => [],
    counts: () => ({ jobsDone: 0, activitiesDone: 0 }),
  };

  it('does nothing without Redis', async () => {
    const reporter = startReporter({ ...options, redisUrl: null });
    expect(reporter.id).toBe(`${process.pid}@${(await import('node:os')).hostname()}`);
    await reporter.stop();
  });

  it('neither throws nor waits when Redis does not answer', async () => {
    // A closed loopback port: every connect is refused.
    const reporter = startReporter({ ...options, redisUrl: 'redis://127.0.0.1:1' });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const started = Date.now();
    await reporter.stop();
    expect(Date.now() - started).toBeLessThan(200);
  });
});
