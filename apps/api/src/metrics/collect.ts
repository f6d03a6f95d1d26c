import { settle } from '../insight/machines/collect';
import { describeQueues, queueTotals } from '../insight/machines/queues';
import { liveDispatcher } from '../live';
import { knownQueues } from '../queues/known';
import type { Services } from '../services';
import type { ApiMetrics } from './registry';

// The gauges read when Prometheus scrapes: each source on its own, so that Temporal or Postgres being
// away costs their gauges (left out, and counted in jobdeck_scrape_errors_total), never the scrape.

/** Temporal is asked at most this often per queue, however many scrapers (or API instances, through Redis) ask. */
const QUEUE_FIGURES_TTL_MS = 5_000;
/** A source that has not answered by then is skipped: Prometheus' own scrape timeout is 10 s by default. */
const SOURCE_TIMEOUT_MS = 3_000;

interface QueueFigures {
  name: string;
  backlog: number;
  backlogAgeSeconds: number;
  workers: number;
}

async function readQueues(services: Services): Promise<QueueFigures[]> {
  return services.cache.remember('metrics:queues', QUEUE_FIGURES_TTL_MS, async () => {
    const queues = await describeQueues(services, await knownQueues(services));
    return queues.map((queue) => {
      const { backlog, oldestWaitSeconds, workers } = queueTotals(queue);
      return { name: queue.name, backlog, backlogAgeSeconds: oldestWaitSeconds, workers };
    });
  });
}

interface StateCountRow {
  type: string;
  queue: string;
  state: string;
  count: string;
}

async function readJobCounts(services: Services): Promise<StateCountRow[]> {
  const { rows } = await services.sql.query<StateCountRow>(
    `SELECT "type", "queue", "state"::text AS "state", "count"::text AS "count" FROM "JobStateCount"`,
  );
  return rows;
}

interface AlertRuleRow {
  id: string;
  name: string;
  kind: string;
  enabled: boolean;
  state: string;
  silencedUntil: Date | null;
}

async function readAlertRules(services: Services): Promise<AlertRuleRow[]> {
  const { rows } = await services.sql.query<AlertRuleRow>(
    `SELECT "id", "name", "kind", "enabled", "state", "silencedUntil" FROM "AlertRule"`,
  );
  return rows;
}

/** What a rule is now, as the alerts page would say it: disabled and silenced before what it found. */
function ruleState(rule: AlertRuleRow, now: number): 'ok' | 'firing' | 'silenced' | 'disabled' {
  if (!rule.enabled) return 'disabled';
  if (rule.silencedUntil && new Date(rule.silencedUntil).getTime() > now) return 'silenced';
  return rule.state === 'firing' ? 'firing' : 'ok';
}

/** Sets every scrape-time gauge from its source; a source that fails leaves its gauges empty. */
export async function refreshGauges(services: Services, metrics: ApiMetrics): Promise<void> {
  metrics.liveSubscribers.set(liveDispatcher(services).size);
  const [queues, counts, rules] = await Promise.all([
    settle('temporal', () => readQueues(services), SOURCE_TIMEOUT_MS),
    settle('postgres', () => readJobCounts(services), SOURCE_TIMEOUT_MS),
    settle('alerts', () => readAlertRules(services), SOURCE_TIMEOUT_MS),
  ]);

  // Reset first: a queue, a job type or a rule that went away must not keep its last value.
  for (const gauge of [metrics.queueBacklog, metrics.queueBacklogAge, metrics.queueWorkers]) gauge.reset();
  if (queues.ok) {
    for (const queue of queues.value) {
      metrics.queueBacklog.set({ queue: queue.name }, queue.backlog);
      metrics.queueBacklogAge.set({ queue: queue.name }, queue.backlogAgeSeconds);
      metrics.queueWorkers.set({ queue: queue.name }, queue.workers);
    }
  } else metrics.scrapeErrors.inc({ source: 'temporal' });

  metrics.jobs.reset();
  if (counts.ok) {
    for (const row of counts.value)
      metrics.jobs.set({ type: row.type, queue: row.queue, state: row.state }, Number(row.count));
  } else metrics.scrapeErrors.inc({ source: 'postgres' });

  metrics.alertRules.reset();
  metrics.alertFiring.reset();
  if (rules.ok) {
    const now = Date.now();
    const byState = { ok: 0, firing: 0, silenced: 0, disabled: 0 };
    for (const rule of rules.value) {
      const state = ruleState(rule, now);
      byState[state] += 1;
      if (state === 'firing') metrics.alertFiring.set({ rule_id: rule.id, rule_name: rule.name, kind: rule.kind }, 1);
    }
    for (const [state, count] of Object.entries(byState)) metrics.alertRules.set({ state }, count);
  } else metrics.scrapeErrors.inc({ source: 'alerts' });
}
