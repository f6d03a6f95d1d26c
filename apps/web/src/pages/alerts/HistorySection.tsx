import { Link, useSearchParams } from 'react-router';
import { FiringStateBadge, SeverityBadge } from '../../components/alerts/AlertBadges';
import { ListFooter } from '../../components/ListFooter';
import { ListState } from '../../components/ListState';
import { RelativeTime } from '../../components/RelativeTime';
import { plural } from '../../lib/format';
import { useFirings } from './use-alerts';

const SHOWN = [
  { value: '', label: 'Open and resolved' },
  { value: 'open', label: 'Open' },
  { value: 'resolved', label: 'Resolved' },
] as const;

/** Every firing kept, newest first: open ones and resolved ones, of one rule or all; the filter in the URL. */
export function HistorySection() {
  const [params, setParams] = useSearchParams();
  const shown = params.get('shown') === 'open' || params.get('shown') === 'resolved' ? params.get('shown')! : '';
  const ruleId = params.get('rule') ?? undefined;
  const firings = useFirings({
    ...(shown ? { open: shown === 'open' } : {}),
    ...(ruleId ? { ruleId } : {}),
  });
  const setParam = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next);
  };

  return (
    <section className="panel" aria-label="History of firings">
      <div className="panel-header">
        <h2>History</h2>
        <div className="alerts-filters">
          {ruleId && (
            <button type="button" className="button button-small" onClick={() => setParam('rule', null)}>
              Every rule
            </button>
          )}
          <label className="field-inline">
            <span className="muted small">Show</span>
            <select
              value={shown}
              onChange={(event) => setParam('shown', event.target.value || null)}
              data-testid="firings-filter"
            >
              {SHOWN.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>
      <ListState
        query={firings}
        select={(data) => data.pages.flatMap((page) => page.items)}
        noun="firings"
        empty={
          <p className="empty" data-testid="firings-empty">
            No firings{shown ? ` ${shown}` : ''}.
          </p>
        }
      >
        {(items) => (
          <>
            <div className={`table-scroll${firings.isPlaceholderData ? ' stale' : ''}`}>
              <table className="table" data-testid="firings-table">
                <thead>
                  <tr>
                    <th>Alert</th>
                    <th>Rule</th>
                    <th>Severity</th>
                    <th>State</th>
                    <th>Started</th>
                    <th>Resolved</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((firing) => (
                    <tr key={firing.id} data-testid="firing-row" data-firing-id={firing.id}>
                      <td>
                        <Link to={`/alerts/firings/${firing.id}`} className={firing.read ? '' : 'alerts-unread'}>
                          {firing.message}
                        </Link>
                        {firing.subject && <div className="muted small mono">{firing.subject}</div>}
                      </td>
                      <td>{firing.ruleName}</td>
                      <td>
                        <SeverityBadge severity={firing.severity} />
                      </td>
                      <td>
                        <FiringStateBadge resolvedAt={firing.resolvedAt} />
                      </td>
                      <td>
                        <RelativeTime iso={firing.startedAt} past />
                      </td>
                      <td>
                        <RelativeTime iso={firing.resolvedAt} past />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <ListFooter
              shown={plural(items.length, 'firing')}
              error={firings.data ? firings.error : null}
              onRetry={() => void firings.refetch()}
              hasMore={!!firings.hasNextPage}
              loadingMore={firings.isFetchingNextPage}
              onMore={() => void firings.fetchNextPage()}
              moreTestId="firings-more"
            />
          </>
        )}
      </ListState>
    </section>
  );
}
