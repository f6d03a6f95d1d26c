import { Redis } from 'ioredis';
import type { ActivityDeps } from '../../../runtime/activity-deps';
import { withTimeLimit } from '../../../runtime/time-limit';
import { ConditionUnreadable, type KindEvaluator, type Observation } from './types';

/** How long Postgres or Redis has to answer before it counts as unreachable. */
const REACH_TIMEOUT_MS = 5_000;

type Facts = Observation['facts'];

/**
 * Postgres or Redis unreachable, or above maxUsagePercent of its resource: Postgres client
 * connections against max_connections, Redis used_memory against maxmemory (no maxmemory: the
 * threshold does not apply, and the facts say so). One firing for the rule as a whole.
 */
export const evaluateDependency: KindEvaluator<'dependency'> = async ({ deps }, rule) => {
  const { target, maxUsagePercent } = rule.condition;
  const reading = target === 'postgres' ? await readPostgres(deps) : await readRedis(deps);
  const name = target === 'postgres' ? 'Postgres' : 'Redis';
  if (!reading.ok) {
    return [
      {
        subject: '',
        active: true,
        message: `${name} unreachable: ${reading.problem}`,
        facts: [{ label: 'Reachable', value: `no: ${reading.problem}` }, ...reading.facts],
      },
    ];
  }
  const facts: Facts = [{ label: 'Reachable', value: 'yes' }, ...reading.facts];
  if (maxUsagePercent === undefined || reading.percent === null) {
    if (maxUsagePercent !== undefined)
      facts.push({ label: 'Threshold', value: `${maxUsagePercent} % (not applicable)` });
    return [{ subject: '', active: false, message: `${name} reachable`, facts }];
  }
  const active = reading.percent >= maxUsagePercent;
  facts.push({ label: 'Threshold', value: `${maxUsagePercent} %` });
  return [
    {
      subject: '',
      active,
      message: `${name} ${reading.what} at ${round(reading.percent)} %, ${active ? 'at or above' : 'below'} ${maxUsagePercent} %`,
      facts,
    },
  ];
};

type Reading =
  { ok: true; percent: number | null; what: string; facts: Facts } | { ok: false; problem: string; facts: Facts };

async function readPostgres(deps: Pick<ActivityDeps, 'sql'>): Promise<Reading> {
  try {
    const { rows } = await withTimeout(
      deps.sql.query<{ used: number; max: number }>(
        `SELECT (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend') AS used,
                current_setting('max_connections')::int AS max`,
      ),
      'Postgres',
    );
    const { used, max } = rows[0]!;
    const percent = max > 0 ? (used / max) * 100 : null;
    return {
      ok: true,
      percent,
      what: 'connections in use',
      facts: [
        { label: 'Connections in use', value: `${used} of ${max} (${percent === null ? '?' : round(percent)} %)` },
      ],
    };
  } catch (error) {
    return { ok: false, problem: (error as Error).message, facts: [] };
  }
}

async function readRedis(deps: Pick<ActivityDeps, 'alerting'>): Promise<Reading> {
  const url = deps.alerting.redisUrl;
  if (!url) throw new ConditionUnreadable('Jobdeck runs without Redis (REDIS_URL is not set)');
  const where = describeRedis(url);
  // A connection of its own, short-lived and impatient: the event bus's keeps retrying by design.
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: REACH_TIMEOUT_MS,
    commandTimeout: REACH_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await withTimeout(redis.connect(), 'Redis');
    await withTimeout(redis.ping(), 'Redis');
    const info = await withTimeout(redis.info('memory'), 'Redis');
    const used = infoNumber(info, 'used_memory');
    const max = infoNumber(info, 'maxmemory');
    const facts: Facts = [{ label: 'Address', value: where }];
    if (!max) {
      facts.push(
        { label: 'Memory used', value: mebibytes(used) },
        { label: 'Memory limit', value: 'none (maxmemory 0): a usage threshold does not apply' },
      );
      return { ok: true, percent: null, what: 'memory', facts };
    }
    const percent = (used / max) * 100;
    facts.push({ label: 'Memory used', value: `${mebibytes(used)} of ${mebibytes(max)} (${round(percent)} %)` });
    return { ok: true, percent, what: 'memory used', facts };
  } catch (error) {
    return { ok: false, problem: (error as Error).message, facts: [{ label: 'Address', value: where }] };
  } finally {
    redis.disconnect();
  }
}

/** host:port of a Redis URL, never its password. */
export function describeRedis(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return 'the configured Redis';
  }
}

export function infoNumber(info: string, field: string): number {
  const match = new RegExp(`^${field}:(\\d+)`, 'm').exec(info);
  return match ? Number(match[1]) : 0;
}

function mebibytes(bytes: number): string {
  return `${round(bytes / 1_048_576)} MiB`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  return withTimeLimit(
    promise,
    REACH_TIMEOUT_MS,
    () => new Error(`${what} did not answer within ${REACH_TIMEOUT_MS / 1000} s`),
  );
}
