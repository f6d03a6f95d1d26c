import { useSearchParams } from 'react-router';
import { usePermissions } from '../../lib/permissions';
import { ChannelsSection } from './ChannelsSection';
import { HistorySection } from './HistorySection';
import { RulesSection } from './RulesSection';
import './Alerts.css';

const TABS = [
  { id: 'rules', label: 'Rules' },
  { id: 'channels', label: 'Channels' },
  { id: 'history', label: 'History' },
] as const;
type Tab = (typeof TABS)[number]['id'];

/**
 * Alerting: the rules (what is watched, and its state), the channels (where firings are told) and
 * the history of firings. Viewers see everything; operators silence and evaluate; admins manage.
 */
export default function AlertsPage() {
  const [params, setParams] = useSearchParams();
  const tab: Tab = TABS.find((candidate) => candidate.id === params.get('tab'))?.id ?? 'rules';
  const permissions = usePermissions();

  return (
    <div className="page alerts-page" data-testid="alerts-page">
      <div className="page-header">
        <h1>Alerts</h1>
      </div>
      <p className="muted page-intro">
        Rules are evaluated every minute; a rule fires while its condition holds and tells its channels when a firing
        starts, lasts (if it repeats) and ends. Rules with a dashboard channel show their firings in the bell.
      </p>
      <div className="alerts-tabs" role="tablist" aria-label="Alerting">
        {TABS.map((candidate) => (
          <button
            key={candidate.id}
            type="button"
            role="tab"
            id={`alerts-tab-${candidate.id}`}
            aria-selected={tab === candidate.id}
            aria-controls="alerts-tab-panel"
            className={`alerts-tab${tab === candidate.id ? ' alerts-tab-active' : ''}`}
            onClick={() => setParams(candidate.id === 'rules' ? {} : { tab: candidate.id })}
            data-testid={`alerts-tab-${candidate.id}`}
          >
            {candidate.label}
          </button>
        ))}
      </div>
      <div id="alerts-tab-panel" role="tabpanel" aria-labelledby={`alerts-tab-${tab}`}>
        {tab === 'rules' && <RulesSection permissions={permissions} />}
        {tab === 'channels' && <ChannelsSection isAdmin={permissions.isAdmin} />}
        {tab === 'history' && <HistorySection />}
      </div>
    </div>
  );
}
