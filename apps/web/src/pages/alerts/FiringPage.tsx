import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { FiringStateBadge, RuleStateBadge, SeverityBadge } from '../../components/alerts/AlertBadges';
import { factsOf, type FiringDetail } from '../../components/alerts/alert-types';
import { SilenceDialog } from '../../components/alerts/SilenceDialog';
import { ItemState, RefreshError } from '../../components/ItemState';
import { RelativeTime } from '../../components/RelativeTime';
import { StateBadge } from '../../components/StateBadge';
import { useToast } from '../../components/toasts/Toasts';
import { messageOf } from '../../lib/errors';
import { dateTime } from '../../lib/format';
import { usePermissions } from '../../lib/permissions';
import { trpc } from '../../trpc';
import './Alerts.css';

/**
 * One firing: what it says, its facts, its rule, its times and the notifications it made (with
 * their jobs). Opening it marks it read for the signed-in person; an operator silences the rule here.
 */
export default function FiringPage() {
  const { id = '' } = useParams();
  const utils = trpc.useUtils();
  const firing = trpc.alerts.firings.get.useQuery({ id }, { refetchInterval: 30_000 });
  // Reading it marked it read: the bell's count goes down.
  const loaded = !!firing.data;
  useEffect(() => {
    if (loaded) void utils.alerts.inbox.invalidate();
  }, [loaded, id, utils]);

  return (
    <ItemState query={firing} noun="alert" back={{ to: '/alerts?tab=history', label: 'Back to the alerts' }}>
      {(data) => (
        <div className="page" data-testid="firing-page" data-firing-id={data.id}>
          <RefreshError query={firing} />
          <FiringView firing={data} />
        </div>
      )}
    </ItemState>
  );
}

function FiringView({ firing }: { firing: FiringDetail }) {
  const { canOperate } = usePermissions();
  const utils = trpc.useUtils();
  const toast = useToast();
  const [silencing, setSilencing] = useState(false);
  const unsilence = trpc.alerts.rules.unsilence.useMutation({ onSuccess: () => void utils.alerts.invalidate() });
  const silenced = firing.rule.state === 'silenced';
  const facts = factsOf(firing.facts);

  return (
    <>
      <div className="page-header">
        <div>
          <p className="breadcrumbs">
            <Link to="/alerts?tab=history">Alerts</Link> / <span className="mono">{firing.id}</span>
          </p>
          <h1 data-testid="firing-message">{firing.message}</h1>
          <p className="alerts-firing-badges">
            <FiringStateBadge resolvedAt={firing.resolvedAt} /> <SeverityBadge severity={firing.severity} />
            {firing.subject && <span className="muted small mono">{firing.subject}</span>}
          </p>
        </div>
        {canOperate && (
          <div className="page-actions">
            {silenced ? (
              <button
                type="button"
                className="button"
                disabled={unsilence.isPending}
                onClick={() =>
                  unsilence.mutate(
                    { id: firing.rule.id },
                    {
                      onSuccess: () => toast.push({ tone: 'ok', title: `Rule “${firing.rule.name}” unsilenced` }),
                      onError: (error) =>
                        toast.push({ tone: 'error', title: 'Could not unsilence the rule', body: messageOf(error) }),
                    },
                  )
                }
                data-testid="firing-unsilence"
              >
                Unsilence rule
              </button>
            ) : (
              <button type="button" className="button" onClick={() => setSilencing(true)} data-testid="firing-silence">
                Silence rule…
              </button>
            )}
          </div>
        )}
      </div>
      <div className="job-grid">
        <div className="job-main">
          <section className="panel" aria-labelledby="firing-facts-title">
            <h2 id="firing-facts-title">Facts</h2>
            {facts.length ? (
              <table className="table" data-testid="firing-facts">
                <tbody>
                  {facts.map((fact, index) => (
                    <tr key={`${fact.label}-${index}`} data-testid="firing-fact">
                      <th scope="row">{fact.label}</th>
                      <td className="mono">{fact.value}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p className="muted">No facts recorded.</p>
            )}
          </section>
          <Notifications firing={firing} />
        </div>
        <aside className="job-side">
          <section className="panel" aria-labelledby="firing-rule-title">
            <h2 id="firing-rule-title">Rule</h2>
            <dl className="facts">
              <div>
                <dt>Name</dt>
                <dd>
                  <Link to="/alerts" data-testid="firing-rule-link">
                    {firing.rule.name}
                  </Link>
                </dd>
              </div>
              <div>
                <dt>Kind</dt>
                <dd className="mono">{firing.rule.kind}</dd>
              </div>
              <div>
                <dt>State</dt>
                <dd data-testid="firing-rule-state" data-state={firing.rule.state}>
                  <RuleStateBadge state={firing.rule.state} />
                </dd>
              </div>
              {silenced && (
                <div>
                  <dt>Silenced until</dt>
                  <dd data-testid="firing-silenced-until">{dateTime(firing.rule.silencedUntil)}</dd>
                </div>
              )}
            </dl>
          </section>
          <section className="panel" aria-labelledby="firing-times-title">
            <h2 id="firing-times-title">Times</h2>
            <dl className="facts">
              <div>
                <dt>Started</dt>
                <dd>
                  <RelativeTime iso={firing.startedAt} past />
                </dd>
              </div>
              <div>
                <dt>Last seen</dt>
                <dd>
                  <RelativeTime iso={firing.lastSeenAt} past />
                </dd>
              </div>
              <div>
                <dt>Resolved</dt>
                <dd>
                  <RelativeTime iso={firing.resolvedAt} past />
                </dd>
              </div>
              <div>
                <dt>Notifications</dt>
                <dd>{firing.notifyCount}</dd>
              </div>
            </dl>
          </section>
        </aside>
      </div>
      {silencing && <SilenceDialog rule={firing.rule} onClose={() => setSilencing(false)} />}
    </>
  );
}

function Notifications({ firing }: { firing: FiringDetail }) {
  return (
    <section className="panel" aria-labelledby="firing-notifications-title">
      <h2 id="firing-notifications-title">Notifications</h2>
      {firing.notifications.length === 0 ? (
        <p className="muted" data-testid="firing-notifications-empty">
          None: the rule has no webhook, Slack or email channel, or it was silenced.
        </p>
      ) : (
        <div className="table-scroll">
          <table className="table" data-testid="firing-notifications">
            <thead>
              <tr>
                <th>Event</th>
                <th>Channel</th>
                <th>Job</th>
                <th>Decided</th>
              </tr>
            </thead>
            <tbody>
              {firing.notifications.map((notification) => (
                <tr key={notification.id} data-testid="firing-notification">
                  <td>{notification.event}</td>
                  <td>
                    {notification.channel.name} <span className="muted small">({notification.channel.kind})</span>
                  </td>
                  <td>
                    {notification.jobId ? (
                      <Link to={`/jobs/${encodeURIComponent(notification.jobId)}`} className="alerts-job-link">
                        {notification.jobState ? <StateBadge state={notification.jobState} /> : notification.jobId}
                      </Link>
                    ) : (
                      <span className="muted">not started yet</span>
                    )}
                  </td>
                  <td>
                    <RelativeTime iso={notification.createdAt} past />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
