import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Countdown } from '../components/Countdown';
import { ItemState, RefreshError } from '../components/ItemState';
import { JsonBlock } from '../components/JsonBlock';
import { RelativeTime } from '../components/RelativeTime';
import { ScheduleActions } from '../components/schedules/ScheduleActions';
import { ScheduleForm } from '../components/schedules/ScheduleForm';
import { StateBadge, StatusBadge } from '../components/StateBadge';
import { CopyButton } from '../components/CopyButton';
import { dateTime, duration } from '../lib/format';
import { trpc } from '../trpc';
import { ToggleButton } from '../components/ToggleButton';

const userZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** A row of the history: who made a change and how long ago. */
function ChangeFact({
  label,
  by,
  at,
  testId,
}: {
  label: string;
  by: string | null;
  at: string | null;
  testId: string;
}) {
  return (
    <div>
      <dt>{label}</dt>
      <dd data-testid={testId}>
        {by ?? '—'}, <RelativeTime iso={at} past />
      </dd>
    </div>
  );
}

export function SchedulePage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const schedule = trpc.schedules.get.useQuery({ id }, { refetchInterval: 5_000 });

  return (
    <ItemState query={schedule} noun="schedule" back={{ to: '/schedules', label: 'Back to schedules' }}>
      {(data) => (
        <div className="page" data-testid="schedule-page">
          <div className="page-header">
            <div>
              <p className="breadcrumbs">
                <Link to="/schedules">Schedules</Link> / <span className="mono">{data.id}</span>
              </p>
              <h1 data-testid="schedule-title">{data.name}</h1>
              {data.description && <p className="muted">{data.description}</p>}
            </div>
            {data.paused ? (
              <StatusBadge tone="warn" testId="schedule-status">
                paused
              </StatusBadge>
            ) : (
              <StatusBadge tone="ok" testId="schedule-status">
                active
              </StatusBadge>
            )}
          </div>
          <RefreshError query={schedule} />
          <div className="page-actions">
            <ScheduleActions id={data.id} paused={data.paused} onDeleted={() => navigate('/schedules')} />
            <ToggleButton
              open={editing}
              onToggle={setEditing}
              label="Edit"
              closeLabel="Close editor"
              testId="schedule-edit"
            />
          </div>
          {data.paused && data.note && (
            <p className="notice-inline" data-testid="schedule-note">
              Paused: {data.note}
            </p>
          )}

          {editing && (
            <section className="panel" aria-label="Edit schedule">
              <ScheduleForm
                initial={data}
                onSaved={() => (setEditing(false), void schedule.refetch())}
                onCancel={() => setEditing(false)}
              />
            </section>
          )}

          <div className="job-grid">
            <div className="job-main">
              <section className="panel" aria-labelledby="next-title">
                <h2 id="next-title">
                  Next runs <span className="muted small">in your time zone ({userZone})</span>
                </h2>
                {data.paused ? (
                  <p className="muted">Paused: no runs until it is resumed.</p>
                ) : data.nextRuns.length === 0 ? (
                  <p className="muted">No further runs (the schedule has ended).</p>
                ) : (
                  <ol className="next-runs" data-testid="schedule-next-runs">
                    {data.nextRuns.slice(0, 5).map((iso) => (
                      <li key={iso}>
                        {dateTime(iso)} · <Countdown iso={iso} />
                      </li>
                    ))}
                  </ol>
                )}
              </section>
              <section className="panel" aria-labelledby="runs-title">
                <h2 id="runs-title">Recent runs</h2>
                {data.runs.length === 0 ? (
                  <p className="muted">No runs yet.</p>
                ) : (
                  <ul className="run-list" data-testid="schedule-runs">
                    {data.runs.map((run) => (
                      <li key={run.id} data-testid="schedule-run" data-job-id={run.id}>
                        <Link className="mono" to={`/jobs/${encodeURIComponent(run.id)}`}>
                          {run.id}
                        </Link>{' '}
                        <StateBadge state={run.state} /> <RelativeTime iso={run.createdAt} past />
                      </li>
                    ))}
                  </ul>
                )}
              </section>
            </div>
            <aside className="job-side">
              <section className="panel" aria-labelledby="spec-title">
                <h2 id="spec-title">When</h2>
                <ul className="plain-list" data-testid="schedule-words">
                  {data.descriptions.map((text) => (
                    <li key={text}>{text}</li>
                  ))}
                </ul>
                <dl className="facts">
                  <div>
                    <dt>Cron</dt>
                    <dd className="mono">{data.cron.join(' | ') || '—'}</dd>
                  </div>
                  <div>
                    <dt>Time zone</dt>
                    <dd>{data.timezone}</dd>
                  </div>
                  <div>
                    <dt>If still running</dt>
                    <dd>{data.overlap.replace('_', ' ')}</dd>
                  </div>
                  <div>
                    <dt>Catch-up window</dt>
                    <dd>{duration(data.catchupWindowMs)}</dd>
                  </div>
                  <div>
                    <dt>Jitter</dt>
                    <dd>{duration(data.jitterMs)}</dd>
                  </div>
                  <div>
                    <dt>Window</dt>
                    <dd>
                      {data.startAt ? dateTime(data.startAt) : 'now'} → {data.endAt ? dateTime(data.endAt) : 'forever'}
                    </dd>
                  </div>
                  <div>
                    <dt>Pause on failure</dt>
                    <dd>{data.pauseOnFailure ? 'yes' : 'no'}</dd>
                  </div>
                </dl>
              </section>
              <section className="panel" aria-labelledby="job-title">
                <h2 id="job-title">Job</h2>
                <p>
                  <code>{data.type ?? data.workflowType}</code>
                  {data.options.priority && <span className="muted"> · {data.options.priority}</span>}
                </p>
                <JsonBlock value={data.input} testId="schedule-input-view" />
              </section>
              <section className="panel" aria-labelledby="who-title">
                <h2 id="who-title">History</h2>
                <dl className="facts">
                  <ChangeFact label="Created" by={data.createdBy} at={data.createdAt} testId="schedule-created-by" />
                  <ChangeFact
                    label="Last changed"
                    by={data.updatedBy}
                    at={data.updatedAt}
                    testId="schedule-updated-by"
                  />
                  <div>
                    <dt>Runs started</dt>
                    <dd>{data.actionsTaken}</dd>
                  </div>
                </dl>
                <p className="small">
                  <a href={data.temporal.uiUrl} target="_blank" rel="noopener noreferrer">
                    Open in Temporal UI
                  </a>
                </p>
                <p className="small mono">
                  {data.temporal.describeCommand} <CopyButton text={data.temporal.describeCommand} />
                </p>
              </section>
            </aside>
          </div>
        </div>
      )}
    </ItemState>
  );
}
