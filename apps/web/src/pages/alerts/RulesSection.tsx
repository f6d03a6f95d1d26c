import { useState } from 'react';
import { Link } from 'react-router';
import { ALERT_RULE_KIND_LABELS, type AlertRuleKind } from '@jobdeck/workflows/vocabulary';
import { ActionMenu, type ActionMenuItem } from '../../components/ActionMenu';
import { RuleStateBadge, SeverityBadge } from '../../components/alerts/AlertBadges';
import type { RuleSummary } from '../../components/alerts/alert-types';
import { SilenceDialog } from '../../components/alerts/SilenceDialog';
import { ActionQuestion } from '../../components/dialog/ConfirmDialog';
import { MutationDialog } from '../../components/dialog/MutationDialog';
import { ListState } from '../../components/ListState';
import { RelativeTime } from '../../components/RelativeTime';
import { useToast } from '../../components/toasts/Toasts';
import { messageOf } from '../../lib/errors';
import { dateTime } from '../../lib/format';
import type { usePermissions } from '../../lib/permissions';
import { RuleForm } from './RuleForm';
import { useAlertChannels, useAlertRules, useRuleMutations } from './use-alerts';

type RuleAction = 'evaluate' | 'silence' | 'unsilence' | 'edit' | 'enable' | 'disable' | 'delete';

/** The rules with their state, and what the caller's role may do to them. */
export function RulesSection({ permissions }: { permissions: ReturnType<typeof usePermissions> }) {
  const { canOperate, isAdmin } = permissions;
  const rules = useAlertRules();
  const channels = useAlertChannels();
  const mutations = useRuleMutations();
  const toast = useToast();
  const [editing, setEditing] = useState<RuleSummary | 'new' | null>(null);
  const [silencing, setSilencing] = useState<RuleSummary | null>(null);
  const [deleting, setDeleting] = useState<RuleSummary | null>(null);

  const itemsFor = (rule: RuleSummary): Array<ActionMenuItem<RuleAction>> => [
    ...(canOperate
      ? [
          { action: 'evaluate' as const, label: 'Evaluate now', testId: 'rule-evaluate' },
          rule.state === 'silenced'
            ? { action: 'unsilence' as const, label: 'Unsilence', testId: 'rule-unsilence' }
            : { action: 'silence' as const, label: 'Silence…', testId: 'rule-silence' },
        ]
      : []),
    ...(isAdmin
      ? [
          { action: 'edit' as const, label: 'Edit…', testId: 'rule-edit' },
          rule.enabled
            ? { action: 'disable' as const, label: 'Disable', testId: 'rule-disable' }
            : { action: 'enable' as const, label: 'Enable', testId: 'rule-enable' },
          { action: 'delete' as const, label: 'Delete…', testId: 'rule-delete', danger: true },
        ]
      : []),
  ];

  const failed = (title: string) => (error: unknown) => toast.push({ tone: 'error', title, body: messageOf(error) });
  const act = (rule: RuleSummary, action: RuleAction) => {
    if (action === 'edit') setEditing(rule);
    else if (action === 'silence') setSilencing(rule);
    else if (action === 'delete') setDeleting(rule);
    else if (action === 'evaluate')
      mutations.evaluate.mutate(
        { id: rule.id },
        {
          onSuccess: (result) =>
            toast.push({
              tone: 'ok',
              title: `Evaluating “${rule.name}”`,
              body: (
                <Link to={`/jobs/${encodeURIComponent(result.jobId)}`} data-testid="rule-evaluate-job">
                  {result.jobId}
                </Link>
              ),
            }),
          onError: failed('Could not evaluate the rule'),
        },
      );
    else if (action === 'unsilence')
      mutations.unsilence.mutate(
        { id: rule.id },
        {
          onSuccess: () => toast.push({ tone: 'ok', title: `Rule “${rule.name}” unsilenced` }),
          onError: failed('Could not unsilence the rule'),
        },
      );
    else
      mutations.setEnabled.mutate(
        { id: rule.id, enabled: action === 'enable' },
        { onError: failed(`Could not ${action} the rule`) },
      );
  };

  return (
    <section className="panel" aria-label="Rules">
      <div className="panel-header">
        <h2>Rules</h2>
        {isAdmin && editing === null && (
          <button
            type="button"
            className="button button-primary"
            onClick={() => setEditing('new')}
            data-testid="rule-new"
          >
            New rule
          </button>
        )}
      </div>
      {isAdmin && editing !== null && (
        <div className="alerts-form-box">
          <h3>{editing === 'new' ? 'New rule' : `Edit “${editing.name}”`}</h3>
          <RuleForm
            key={editing === 'new' ? 'new' : editing.id}
            rule={editing === 'new' ? undefined : editing}
            channels={channels.data ?? []}
            onDone={() => setEditing(null)}
          />
        </div>
      )}
      <ListState
        query={rules}
        noun="rules"
        empty={
          <p className="empty" data-testid="rules-empty">
            No rules yet.{isAdmin ? ' Add one with New rule.' : ' An admin adds them.'}
          </p>
        }
      >
        {(list) => (
          <div className="table-scroll">
            <table className="table" data-testid="rules-table">
              <thead>
                <tr>
                  <th>Rule</th>
                  <th>State</th>
                  <th>Severity</th>
                  <th className="num">Open</th>
                  <th>Channels</th>
                  <th>Last evaluated</th>
                  {(canOperate || isAdmin) && (
                    <th className="actions-cell">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {list.map((rule) => (
                  <tr key={rule.id} data-testid="rule-row" data-rule-name={rule.name} data-state={rule.state}>
                    <td>
                      <strong>{rule.name}</strong>
                      <div className="muted small">
                        {ALERT_RULE_KIND_LABELS[rule.kind as AlertRuleKind] ?? rule.kind}
                      </div>
                    </td>
                    <td>
                      <RuleStateBadge state={rule.state} />
                      {rule.state === 'silenced' && (
                        <div className="muted small" data-testid="rule-silence-info">
                          until {dateTime(rule.silencedUntil)}
                          {rule.silenceNote ? ` · ${rule.silenceNote}` : ''}
                          {rule.silencedBy ? ` · ${rule.silencedBy}` : ''}
                        </div>
                      )}
                      {rule.lastError && (
                        <div className="form-error small" data-testid="rule-last-error">
                          {rule.lastError}
                        </div>
                      )}
                    </td>
                    <td>
                      <SeverityBadge severity={rule.severity} />
                    </td>
                    <td className="num">
                      {rule.openFirings > 0 ? (
                        <Link to={`/alerts?tab=history&rule=${rule.id}`} data-testid="rule-open-firings">
                          {rule.openFirings}
                        </Link>
                      ) : (
                        <span data-testid="rule-open-firings">0</span>
                      )}
                    </td>
                    <td className="small">
                      {rule.channels.length ? rule.channels.map((channel) => channel.name).join(', ') : '—'}
                    </td>
                    <td>
                      <RelativeTime iso={rule.lastEvaluatedAt} past />
                    </td>
                    {(canOperate || isAdmin) && (
                      <td className="actions-cell">
                        <ActionMenu
                          label={`Actions for rule ${rule.name}`}
                          items={itemsFor(rule)}
                          onSelect={(action) => act(rule, action)}
                        />
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </ListState>
      {silencing && <SilenceDialog rule={silencing} onClose={() => setSilencing(null)} />}
      {deleting && (
        <MutationDialog
          mutation={mutations.remove}
          input={{ id: deleting.id }}
          title={<ActionQuestion action="Delete rule" subject={deleting.name} />}
          confirmLabel="Delete"
          tone="danger"
          succeeded={() => ({ title: `Rule “${deleting.name}” deleted` })}
          failedTitle="Could not delete the rule"
          onClose={() => setDeleting(null)}
          testId="rule-delete-dialog"
        >
          <p>Its history of firings goes with it. Channels are kept.</p>
        </MutationDialog>
      )}
    </section>
  );
}
