import { Link } from 'react-router';
import type { RouterOutputs } from '../trpc';
import { RelativeTime } from './RelativeTime';
import { Sparkline } from './Sparkline';

export type TypeOverview = RouterOutputs['insight']['overview']['types'][number];

/**
 * A job type card's last 24 hours (completed against unsuccessful, hour by hour) and the schedules
 * that run it, each with its next run.
 */
export function TypeTrend({ overview, schedulesKnown }: { overview: TypeOverview; schedulesKnown: boolean }) {
  const completed = overview.points.map((point) => point.completed);
  const unsuccessful = overview.points.map((point) => point.unsuccessful);
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  return (
    <div className="type-trend" data-testid="type-trend">
      <div className="type-trend-line">
        <Sparkline
          series={[
            { values: completed, tone: 'completed' },
            { values: unsuccessful, tone: 'failed' },
          ]}
          label={`last 24 hours of ${overview.type}: ${sum(completed)} completed, ${sum(unsuccessful)} unsuccessful`}
          width={160}
        />
        <span className="small muted">
          24 h: <span className="trend-ok">{sum(completed)} completed</span> ·{' '}
          <span className="trend-bad">{sum(unsuccessful)} unsuccessful</span>
        </span>
      </div>
      {overview.schedules.length > 0 ? (
        <ul className="type-schedules" data-testid="type-schedules">
          {overview.schedules.map((schedule) => (
            <li key={schedule.id} className="small">
              <Link to={`/schedules/${encodeURIComponent(schedule.id)}`} title={schedule.description}>
                {schedule.name}
              </Link>{' '}
              {schedule.paused ? (
                <span className="muted">paused</span>
              ) : (
                <span className="muted">
                  next <RelativeTime iso={schedule.nextRunAt} />
                </span>
              )}
            </li>
          ))}
        </ul>
      ) : (
        !schedulesKnown && <p className="small muted">schedules unknown (Temporal did not answer)</p>
      )}
    </div>
  );
}
