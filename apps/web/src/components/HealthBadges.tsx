import type { Health } from '../trpc';
import { StatusBadge } from './StateBadge';
import './HealthBadges.css';

function latency(ms: number | null) {
  return ms === null ? '' : ` · ${ms} ms`;
}

/** Temporal, Postgres, Redis and the workers, each ok or not, with why in words. */
export function HealthBadges({ health }: { health: Health }) {
  const { temporal, postgres, redis, queues } = health;
  const workers =
    new Set(queues.flatMap((queue) => queue.identities)).size || Math.max(0, ...queues.map((queue) => queue.workers));
  const unserved = queues.filter((queue) => queue.workers === 0);
  const redisTone = redis.liveUpdates ? 'ok' : redis.configured ? 'bad' : 'warn';
  const workersTone = !temporal.ok ? 'idle' : workers === 0 ? 'bad' : unserved.length ? 'warn' : 'ok';
  return (
    <div className="health" data-testid="health-badges">
      <StatusBadge tone={temporal.ok ? 'ok' : 'bad'} testId="health-temporal" title={temporal.error ?? undefined}>
        Temporal: {temporal.ok ? `ok${latency(temporal.latencyMs)}` : 'down'}
      </StatusBadge>
      <StatusBadge tone={postgres.ok ? 'ok' : 'bad'} testId="health-postgres" title={postgres.error ?? undefined}>
        Postgres: {postgres.ok ? `ok${latency(postgres.latencyMs)}` : 'down'}
      </StatusBadge>
      <StatusBadge tone={redisTone} testId="health-redis" title={redis.error ?? undefined}>
        Redis: {redis.liveUpdates ? `live${latency(redis.latencyMs)}` : redis.configured ? 'down' : 'not configured'}
      </StatusBadge>
      <StatusBadge
        tone={workersTone}
        testId="health-workers"
        title={unserved.length ? `no workers polling ${unserved.map((queue) => queue.name).join(', ')}` : undefined}
      >
        Workers:{' '}
        {!temporal.ok
          ? 'unknown'
          : `${workers}${unserved.length ? ` · ${unserved.length} queue${unserved.length > 1 ? 's' : ''} unserved` : ''}`}
      </StatusBadge>
    </div>
  );
}
