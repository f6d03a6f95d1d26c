import type { ReactNode } from 'react';
import { ListState } from '../../components/ListState';
import { RefreshError } from '../../components/ItemState';
import { figure, percent } from '../../lib/format';
import { DirectionMark } from './Direction';
import type { WindowInput } from './insight-filter';
import type { Trends } from './insight-types';
import { TrendCharts } from './TrendCharts';
import { useTrends } from './use-insight';

function Tile({
  label,
  value,
  testId,
  children,
}: {
  label: string;
  value: ReactNode;
  testId: string;
  children?: ReactNode;
}) {
  return (
    <div className="tile">
      <dt>{label}</dt>
      <dd>
        <span className="tile-value" data-testid={testId}>
          {value}
        </span>
        {children}
      </dd>
    </div>
  );
}

function Totals({ trends }: { trends: Trends }) {
  const { totals, direction, rule, previous } = trends;
  return (
    <>
      <dl className="tiles" data-testid="trend-totals">
        <Tile label="Ended" value={totals.total} testId="trend-total" />
        <Tile label="Completed" value={totals.completed} testId="trend-completed" />
        <Tile label="Failed" value={totals.failed} testId="trend-failed">
          <DirectionMark of={direction.failures} unit="relative" rule={rule} testId="direction-failures" />
        </Tile>
        <Tile label="Cancelled" value={totals.cancelled} testId="trend-cancelled" />
        <Tile label="Timed out" value={totals.timedOut} testId="trend-timed-out" />
        <Tile label="Terminated" value={totals.terminated} testId="trend-terminated" />
        <Tile label="Success rate" value={percent(totals.successRate, 1)} testId="trend-success-rate">
          <DirectionMark of={direction.successRate} unit="points" rule={rule} testId="direction-success-rate" />
        </Tile>
        <Tile
          label="Throughput"
          value={
            <>
              {figure(totals.perMinute)} <span className="tile-unit">jobs/min</span> · {figure(totals.perHour)}{' '}
              <span className="tile-unit">jobs/h</span>
            </>
          }
          testId="trend-throughput"
        >
          <DirectionMark of={direction.throughput} unit="relative" rule={rule} testId="direction-throughput" />
        </Tile>
      </dl>
      <p className="small muted tiles-note">
        Previous window: {previous.total} ended, {previous.unsuccessful} unsuccessful, success{' '}
        {percent(previous.successRate, 1)}.
      </p>
    </>
  );
}

/** What ended in the window, per bucket, against the window before. */
export function TrendsSection({ input }: { input: WindowInput | null }) {
  const trends = useTrends(input);
  return (
    <section className="panel insight-section" aria-labelledby="trends-title" data-testid="insight-trends">
      <h2 id="trends-title">Trends</h2>
      {trends.data && <RefreshError query={trends} />}
      <ListState
        query={trends}
        noun="trends"
        isEmpty={(data) => data.totals.total === 0 && data.previous.total === 0}
        empty={
          <p className="empty" data-testid="trends-empty">
            No job ended in this window.
          </p>
        }
      >
        {(data) => (
          <div className={trends.isPlaceholderData ? 'stale' : undefined}>
            <Totals trends={data} />
            <TrendCharts trends={data} />
          </div>
        )}
      </ListState>
    </section>
  );
}
