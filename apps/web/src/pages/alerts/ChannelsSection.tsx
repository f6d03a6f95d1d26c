import { useState } from 'react';
import { Link } from 'react-router';
import type { ChannelSummary } from '../../components/alerts/alert-types';
import { ActionQuestion } from '../../components/dialog/ConfirmDialog';
import { MutationDialog } from '../../components/dialog/MutationDialog';
import { ListState } from '../../components/ListState';
import { RelativeTime } from '../../components/RelativeTime';
import { StatusBadge } from '../../components/StateBadge';
import { useToast } from '../../components/toasts/Toasts';
import { messageOf } from '../../lib/errors';
import { describeConfig } from './channel-config';
import { ChannelForm } from './ChannelForm';
import { useAlertChannels, useChannelMutations } from './use-alerts';

/** Where firings are told: each channel's settings (secrets hidden), its last notification, a test. */
export function ChannelsSection({ isAdmin }: { isAdmin: boolean }) {
  const channels = useAlertChannels();
  const mutations = useChannelMutations();
  const toast = useToast();
  const [editing, setEditing] = useState<ChannelSummary | 'new' | null>(null);
  const [deleting, setDeleting] = useState<ChannelSummary | null>(null);

  const sendTest = (channel: ChannelSummary) =>
    mutations.test.mutate(
      { id: channel.id },
      {
        onSuccess: (result) =>
          toast.push({
            tone: 'ok',
            title: `Test sent to “${channel.name}”`,
            body: result.jobId ? (
              <>
                by job{' '}
                <Link to={`/jobs/${encodeURIComponent(result.jobId)}`} data-testid="channel-test-job">
                  {result.jobId}
                </Link>
              </>
            ) : (
              'every open dashboard shows it in a moment, beside its bell'
            ),
          }),
        onError: (error) => toast.push({ tone: 'error', title: 'Could not send the test', body: messageOf(error) }),
      },
    );

  return (
    <section className="panel" aria-label="Channels">
      <div className="panel-header">
        <h2>Channels</h2>
        {isAdmin && editing === null && (
          <button
            type="button"
            className="button button-primary"
            onClick={() => setEditing('new')}
            data-testid="channel-new"
          >
            New channel
          </button>
        )}
      </div>
      {isAdmin && editing !== null && (
        <div className="alerts-form-box">
          <h3>{editing === 'new' ? 'New channel' : `Edit “${editing.name}”`}</h3>
          <ChannelForm
            key={editing === 'new' ? 'new' : editing.id}
            channel={editing === 'new' ? undefined : editing}
            onDone={() => setEditing(null)}
          />
        </div>
      )}
      <ListState
        query={channels}
        noun="channels"
        empty={
          <p className="empty" data-testid="channels-empty">
            No channels yet.{isAdmin ? ' Add one with New channel.' : ' An admin adds them.'}
          </p>
        }
      >
        {(list) => (
          <div className="table-scroll">
            <table className="table" data-testid="channels-table">
              <thead>
                <tr>
                  <th>Channel</th>
                  <th>Settings</th>
                  <th className="num">Rules</th>
                  <th>Last notification</th>
                  {isAdmin && (
                    <th className="actions-cell">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {list.map((channel) => (
                  <tr key={channel.id} data-testid="channel-row" data-channel-name={channel.name}>
                    <td>
                      <strong>{channel.name}</strong>{' '}
                      <StatusBadge tone={channel.enabled ? 'info' : 'idle'}>
                        {channel.kind}
                        {channel.enabled ? '' : ', disabled'}
                      </StatusBadge>
                    </td>
                    <td className="small" data-testid="channel-config">
                      {describeConfig(channel.kind, channel.config).map((fact) => (
                        <div key={fact.label}>
                          <span className="muted">{fact.label}:</span> <span className="clip">{fact.value}</span>
                        </div>
                      ))}
                    </td>
                    <td className="num">{channel.rules}</td>
                    <td className="small">
                      {channel.lastNotification ? (
                        <>
                          {channel.lastNotification.event} <RelativeTime iso={channel.lastNotification.at} past />
                          {channel.lastNotification.jobId && (
                            <div>
                              <Link to={`/jobs/${encodeURIComponent(channel.lastNotification.jobId)}`}>
                                {channel.lastNotification.state ?? 'job'}
                              </Link>
                            </div>
                          )}
                        </>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    {isAdmin && (
                      <td className="actions-cell">
                        <div className="row-actions">
                          {/* The dashboard channel's test is a live event every open bell shows. */}
                          <button
                            type="button"
                            className="button button-small"
                            onClick={() => sendTest(channel)}
                            disabled={mutations.test.isPending}
                            data-testid="channel-test"
                          >
                            Send test
                          </button>
                          <button
                            type="button"
                            className="button button-small"
                            onClick={() => setEditing(channel)}
                            data-testid="channel-edit"
                          >
                            Edit
                          </button>
                          <button
                            type="button"
                            className="button button-small button-danger-outline"
                            onClick={() => setDeleting(channel)}
                            data-testid="channel-delete"
                          >
                            Delete
                          </button>
                        </div>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </ListState>
      {deleting && (
        <MutationDialog
          mutation={mutations.remove}
          input={{ id: deleting.id }}
          title={<ActionQuestion action="Delete channel" subject={deleting.name} />}
          confirmLabel="Delete"
          tone="danger"
          succeeded={() => ({ title: `Channel “${deleting.name}” deleted` })}
          failedTitle="Could not delete the channel"
          onClose={() => setDeleting(null)}
          testId="channel-delete-dialog"
        >
          <p>
            {deleting.rules
              ? `The ${deleting.rules === 1 ? 'rule' : `${deleting.rules} rules`} using it will no longer tell it.`
              : 'No rule uses it.'}
          </p>
        </MutationDialog>
      )}
    </section>
  );
}
