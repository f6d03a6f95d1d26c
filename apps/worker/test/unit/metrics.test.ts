import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { InjectedSinks } from '@temporalio/worker';
import type { JobEnvelope, JobRecordSinks } from '@jobdeck/workflows';
import { loadWorkerConfig } from '../../src/config';
import { createWorkerMetrics } from '../../src/metrics';

const env = {
  DATABASE_URL: 'postgres://127.0.0.1/none',
  JOBDECK_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
};

describe('JOBDECK_WORKER_METRICS_PORT', () => {
  it('is off unless set, takes 0 (a free port) to 65535, and names itself when wrong', () => {
    expect(loadWorkerConfig(env).metricsPort).toBeNull();
    expect(loadWorkerConfig({ ...env, JOBDECK_WORKER_METRICS_PORT: '0' }).metricsPort).toBe(0);
    expect(loadWorkerConfig({ ...env, JOBDECK_WORKER_METRICS_PORT: '9464' })).toMatchObject({
      metricsPort: 9464,
      metricsHost: '127.0.0.1',
    });
    for (const wrong of ['70000', 'on', '-2'])
      expect(() => loadWorkerConfig({ ...env, JOBDECK_WORKER_METRICS_PORT: wrong })).toThrow(
        /JOBDECK_WORKER_METRICS_PORT/,
      );
  });
});

type SinkInfo = Parameters<InjectedSinks<JobRecordSinks>['jobRecords']['started']['fn']>[0];
const info = (taskQueue: string) =>
  ({ workflowType: 'dataSync', taskQueue, runStartTime: new Date(Date.now() - 2_000) }) as unknown as SinkInfo;
const noop = { fn: () => undefined, callDuringReplay: false };

describe('the job counters', () => {
  it('label by catalogue type and polled queue, and take a job started elsewhere from Temporal', async () => {
    const metrics = createWorkerMetrics();
    const sinks = metrics.countingSinks({ jobRecords: { started: noop, finished: noop } });
    const envelope = (jobId: string, type: string) =>
      ({ jobId, type, queue: 'claimed', enqueuedAt: new Date(Date.now() - 1_500).toISOString() }) as JobEnvelope;
    sinks.jobRecords.started.fn(info('sync'), envelope('a', 'data.sync'), 'run-a');
    sinks.jobRecords.started.fn(info('sync'), envelope('b', 'made.up'), 'run-b');
    sinks.jobRecords.finished.fn(info('sync'), 'a', { state: 'completed', result: null });
    // Started on another worker: type from the workflow type, run time from the run's start.
    sinks.jobRecords.finished.fn(info('sync'), 'c', { state: 'failed', error: 'no' });

    const values = async (name: string) =>
      (await metrics.registry.getSingleMetric(name)!.get()).values.map((v) => ({ ...v.labels, value: v.value }));
    expect(await values('jobdeck_jobs_started_total')).toEqual([
      { type: 'data.sync', queue: 'sync', value: 1 },
      { type: 'unknown', queue: 'sync', value: 1 },
    ]);
    expect(await values('jobdeck_jobs_finished_total')).toEqual([
      { type: 'data.sync', queue: 'sync', outcome: 'completed', value: 1 },
      { type: 'data.sync', queue: 'sync', outcome: 'failed', value: 1 },
    ]);
    type Sample = { value: number; labels: Record<string, string | number>; metricName?: string };
    const run = (await metrics.registry.getSingleMetric('jobdeck_job_run_seconds')!.get()).values as Sample[];
    const failedSum = run.find((v) => v.metricName?.endsWith('_sum') && v.labels.outcome === 'failed')!.value;
    expect(failedSum).toBeGreaterThanOrEqual(2);
    const wait = (await metrics.registry.getSingleMetric('jobdeck_job_wait_seconds')!.get()).values as Sample[];
    expect(wait.find((v) => v.metricName?.endsWith('_sum') && v.labels.type === 'data.sync')!.value).toBeGreaterThan(1);
  });
});
