import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createEventBus } from '@jobdeck/workflows';
import { createCache } from '../../src/cache';
import { loadApiConfig } from '../../src/config';
import { createMetricsServer } from '../../src/metrics';
import { createApiServer } from '../../src/server';
import type { Services } from '../../src/services';

interface Family {
  name: string;
  metrics: Array<{ value?: string; labels?: Record<string, string> }>;
}
const parsePrometheus = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => Family[];

const env = {
  DATABASE_URL: 'postgres://127.0.0.1/none',
  JOBDECK_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
};

describe('JOBDECK_METRICS_PORT', () => {
  it('is off unless set, takes 0 (a free port) to 65535, and names itself when wrong', () => {
    expect(loadApiConfig(env).metricsPort).toBeNull();
    expect(loadApiConfig({ ...env, JOBDECK_METRICS_PORT: '' }).metricsPort).toBeNull();
    expect(loadApiConfig({ ...env, JOBDECK_METRICS_PORT: '0' }).metricsPort).toBe(0);
    expect(loadApiConfig({ ...env, JOBDECK_METRICS_PORT: '9100' })).toMatchObject({
      metricsPort: 9100,
      metricsHost: '127.0.0.1',
    });
    for (const wrong of ['65536', '-1', 'ninety', '1.5'])
      expect(() => loadApiConfig({ ...env, JOBDECK_METRICS_PORT: wrong })).toThrow(/JOBDECK_METRICS_PORT/);
  });
});

/** An API whose Temporal never answers and whose Postgres refuses every statement. */
function servicesWithEverythingAway(): Services {
  const refused = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
  return {
    config: { ...loadApiConfig(env), metricsPort: 0 },
    cache: createCache(null, 'it:'),
    events: createEventBus({ redisUrl: null, prefix: 'it:' }),
    sql: { query: refused },
    db: { job: { findUnique: refused } },
    temporal: { workflowService: { describeTaskQueue: () => new Promise(() => {}) } },
  } as unknown as Services;
}

let close: (() => void) | undefined;
afterEach(() => close?.());

describe('a scrape with Temporal and Postgres away', () => {
  it('still answers, leaves their gauges out and counts each source that failed', async () => {
    const server = createMetricsServer(servicesWithEverythingAway());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    close = () => server.close();
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const started = Date.now();
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    // Temporal never answered: the scrape waited for it 3 s at most, well within Prometheus' 10 s.
    expect(Date.now() - started).toBeLessThan(5_000);
    const families = parsePrometheus(await response.text());
    const samples = (name: string) => families.find((family) => family.name === name)?.metrics ?? [];
    for (const source of ['temporal', 'postgres', 'alerts'])
      expect(samples('jobdeck_scrape_errors_total').find((s) => s.labels?.source === source)?.value).toBe('1');
    for (const name of ['jobdeck_queue_backlog', 'jobdeck_queue_workers', 'jobdeck_jobs', 'jobdeck_alert_rules'])
      expect(samples(name)).toEqual([]);
    expect(samples('jobdeck_live_subscribers')).toEqual([{ value: '0' }]);
    expect(samples('jobdeck_process_cpu_seconds_total').length).toBeGreaterThan(0);

    expect((await fetch(`${url}/`)).status).toBe(404);
    expect((await fetch(`${url}/metrics`, { method: 'POST' })).status).toBe(405);
  }, 15_000);
});

describe('/metrics on the API port', () => {
  it('answers 404 once the metrics have an address of their own, token or not', async () => {
    const server = createApiServer(servicesWithEverythingAway());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    close = () => server.close();
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: expect.stringMatching(/JOBDECK_METRICS_PORT/) });
  });
});
