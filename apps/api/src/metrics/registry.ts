import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Services } from '../services';

/**
 * The API process's own Prometheus registry (never prom-client's global one: tests and the fuzzer run
 * several API instances in one process). Each instance reports its own requests; queries sum them.
 * The gauges read at scrape time (queues, job counts, alerts) are the same from every instance.
 */
export interface ApiMetrics {
  registry: Registry;
  requests: Counter<'procedure' | 'code'>;
  requestDuration: Histogram<'procedure'>;
  liveSubscribers: Gauge;
  queueBacklog: Gauge<'queue'>;
  queueBacklogAge: Gauge<'queue'>;
  queueWorkers: Gauge<'queue'>;
  jobs: Gauge<'type' | 'queue' | 'state'>;
  alertRules: Gauge<'state'>;
  alertFiring: Gauge<'rule_id' | 'rule_name' | 'kind'>;
  scrapeErrors: Counter<'source'>;
}

/** From a cache hit (a few ms) to a slow search or an export (seconds). */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Where scrape-time figures come from: a source that cannot answer is skipped and counted. */
export const SCRAPE_SOURCES = ['temporal', 'postgres', 'alerts'] as const;

function createApiMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'jobdeck_' });
  const registers = [registry];
  const scrapeErrors = new Counter({
    name: 'jobdeck_scrape_errors_total',
    help: 'Scrapes of /metrics in which a source (temporal, postgres, alerts) could not be read; its gauges were left out.',
    labelNames: ['source'] as const,
    registers,
  });
  // Present at zero from the start, so that rate() and alerts on it work before the first failure.
  for (const source of SCRAPE_SOURCES) scrapeErrors.inc({ source }, 0);
  return {
    registry,
    requests: new Counter({
      name: 'jobdeck_api_requests_total',
      help: 'tRPC calls answered by this API instance, by procedure and tRPC code (OK, or the error code); "unknown" for paths no procedure has.',
      labelNames: ['procedure', 'code'] as const,
      registers,
    }),
    requestDuration: new Histogram({
      name: 'jobdeck_api_request_duration_seconds',
      help: 'Time this API instance took to answer a tRPC call, by procedure (a subscription: until its stream opened).',
      labelNames: ['procedure'] as const,
      buckets: REQUEST_BUCKETS,
      registers,
    }),
    liveSubscribers: new Gauge({
      name: 'jobdeck_live_subscribers',
      help: 'Live streams (jobs.live subscriptions) open on this API instance.',
      registers,
    }),
    queueBacklog: new Gauge({
      name: 'jobdeck_queue_backlog',
      help: "Tasks waiting in the queue, workflow and activity tasks summed (Temporal's approximate backlog).",
      labelNames: ['queue'] as const,
      registers,
    }),
    queueBacklogAge: new Gauge({
      name: 'jobdeck_queue_backlog_age_seconds',
      help: 'Age of the oldest task waiting in the queue, in seconds (0: nothing waits).',
      labelNames: ['queue'] as const,
      registers,
    }),
    queueWorkers: new Gauge({
      name: 'jobdeck_queue_workers',
      help: 'Worker processes polling the queue, as Temporal lists its pollers (about the last minute).',
      labelNames: ['queue'] as const,
      registers,
    }),
    jobs: new Gauge({
      name: 'jobdeck_jobs',
      help: 'Job records by type, queue and state (the counters Postgres keeps; superseded retries included).',
      labelNames: ['type', 'queue', 'state'] as const,
      registers,
    }),
    alertRules: new Gauge({
      name: 'jobdeck_alert_rules',
      help: 'Alert rules by state: ok, firing, silenced (silenced now, whatever it found) or disabled.',
      labelNames: ['state'] as const,
      registers,
    }),
    alertFiring: new Gauge({
      name: 'jobdeck_alert_firing',
      help: '1 for each enabled, unsilenced alert rule whose last evaluation found it firing.',
      labelNames: ['rule_id', 'rule_name', 'kind'] as const,
      registers,
    }),
    scrapeErrors,
  };
}

// Kept beside the services rather than in them, as the live dispatcher is: one per API process.
const perServices = new WeakMap<Services, ApiMetrics>();

export function apiMetrics(services: Services): ApiMetrics {
  let metrics = perServices.get(services);
  if (!metrics) {
    metrics = createApiMetrics();
    perServices.set(services, metrics);
  }
  return metrics;
}
