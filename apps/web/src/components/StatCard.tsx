import { Link } from 'react-router';
import { percent, rate } from '../lib/format';
import { BUCKETS } from '../lib/states';
import type { StatGroup } from '../trpc';
import { StatusBadge } from './StateBadge';
import './StatCard.css';

type Verdict = { tone: 'ok' | 'warn' | 'bad' | 'idle' | 'info'; label: string };

/**
 * Judged on the last five minutes: "failing" when failures outnumber completions, "degraded" when
 * some fail; with nothing recent, on what Temporal retains.
 */
export function verdictOf(group: StatGroup): Verdict {
  const { buckets, successRate, perMinute, failedPerMinute } = group;
  const running = buckets.waiting + buckets.active + buckets.delayed;
  if (failedPerMinute > 0 && failedPerMinute >= perMinute) return { tone: 'bad', label: 'failing' };
  if (failedPerMinute > 0) return { tone: 'warn', label: 'degraded' };
  if (perMinute === 0 && successRate !== null && buckets.failed > 0 && successRate < 0.5)
    return { tone: 'warn', label: 'degraded' };
  if (running > 0) return { tone: 'info', label: 'running' };
  if (perMinute > 0) return { tone: 'ok', label: 'healthy' };
  if (successRate === null) return { tone: 'idle', label: 'idle' };
  return { tone: 'ok', label: 'healthy' };
}

interface Props {
  group: StatGroup;
  /** Filter key for the jobs table: `type` or `queue`. */
  by: 'type' | 'queue';
  subtitle?: React.ReactNode;
  warning?: React.ReactNode;
  /** Under the warning: a state such as a queue's "paused". */
  status?: React.ReactNode;
  /** At the bottom of the card: controls such as a queue's Pause. */
  children?: React.ReactNode;
  testId: string;
}

export function StatCard({ group, by, subtitle, warning, status, children, testId }: Props) {
  const verdict = verdictOf(group);
  const link = (state?: string) => {
    const params = new URLSearchParams({ [by]: group.name });
    if (state) params.set('bucket', state);
    return `/jobs?${params.toString()}`;
  };
  return (
    <article className="card stat-card" data-testid={testId} data-name={group.name}>
      <header className="card-header">
        <h3>
          <Link to={link()}>{group.name}</Link>
        </h3>
        <StatusBadge tone={verdict.tone} testId="card-status">
          {verdict.label}
        </StatusBadge>
      </header>
      {subtitle && <p className="card-subtitle">{subtitle}</p>}
      {warning && (
        <p className="card-warning" role="status">
          ⚠ {warning}
        </p>
      )}
      {status}
      <ul className="counts">
        {BUCKETS.map((bucket) => (
          <li key={bucket.key}>
            <Link
              to={link(bucket.key)}
              className={`count tone-${bucket.key}`}
              data-testid={`count-${bucket.key}`}
              aria-label={`${group.buckets[bucket.key]} ${bucket.label}: show these jobs`}
            >
              <span className="count-value">{group.buckets[bucket.key]}</span>
              <span className="count-label">{bucket.label}</span>
            </Link>
          </li>
        ))}
      </ul>
      <footer className="card-footer">
        <span>
          success <strong>{percent(group.successRate)}</strong>
        </span>
        <span>
          <strong>{rate(group.perMinute)}</strong> jobs/min
        </span>
        <Link to={link('cancelled')} className="small muted">
          {group.buckets.cancelled} cancelled
        </Link>
      </footer>
      {children}
    </article>
  );
}
