import { useIsFetching } from '@tanstack/react-query';
import { trpc } from '../../trpc';
import { FailuresSection } from './FailuresSection';
import { InsightFilters } from './InsightFilters';
import { windowInputOf, useInsightFilter } from './insight-filter';
import { MachinesSection } from './MachinesSection';
import { PerformanceSection } from './PerformanceSection';
import { TrendsSection } from './TrendsSection';
import { WindowPicker } from './WindowPicker';
import './Insight.css';

/**
 * How jobs did over a window (trends, durations, causes of failure) and what the machines do now.
 * Loaded with the page (React.lazy): the charting library is not part of the dashboard's first load.
 */
export function InsightPage() {
  const [filter, setFilter] = useInsightFilter();
  const input = windowInputOf(filter);
  const utils = trpc.useUtils();
  // The window's figures (the machines poll every 5 s on their own: they would keep the button busy).
  const fetching =
    useIsFetching({
      predicate: (query) => {
        const [path] = query.queryKey as [string[] | undefined];
        return Array.isArray(path) && path[0] === 'insight' && path[1] !== 'machines';
      },
    }) > 0;

  return (
    <div className="page" data-testid="insight-page">
      <div className="page-header">
        <h1>Insight</h1>
        <div className="page-actions">
          <button
            type="button"
            className="button"
            onClick={() => {
              void utils.insight.trends.invalidate();
              void utils.insight.performance.invalidate();
              void utils.insight.failures.invalidate();
              void utils.insight.machines.invalidate();
            }}
            disabled={fetching}
            data-testid="insight-refresh"
          >
            {fetching ? 'Refreshing…' : 'Refresh'}
          </button>
        </div>
      </div>
      <p className="muted page-intro">
        How jobs did over a window, against the window of the same length before it; why they failed; and what the
        queues and machines are doing now.
      </p>
      <div className="insight-controls panel">
        <WindowPicker filter={filter} onChange={setFilter} />
        <InsightFilters filter={filter} onChange={setFilter} />
      </div>
      {input ? (
        <>
          <TrendsSection input={input} />
          <PerformanceSection input={input} />
          <FailuresSection input={input} />
        </>
      ) : (
        <p className="notice-inline" role="status">
          Choose the range of the custom window and apply it.
        </p>
      )}
      <MachinesSection />
    </div>
  );
}

export default InsightPage;
