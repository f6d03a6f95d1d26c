import { useNavigate, useSearchParams } from 'react-router';
import { Link } from 'react-router';
import { Countdown } from '../components/Countdown';
import { DataTable } from '../components/DataTable';
import { ListState } from '../components/ListState';
import { ScheduleActions } from '../components/schedules/ScheduleActions';
import { ScheduleForm } from '../components/schedules/ScheduleForm';
import { StatusBadge } from '../components/StateBadge';
import { TemplatesPanel } from '../components/templates/TemplatesPanel';
import { ToggleButton } from '../components/ToggleButton';
import { trpc } from '../trpc';

export function SchedulesPage() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const schedules = trpc.schedules.list.useQuery(undefined, { refetchInterval: 15_000 });
  const creating = params.get('new') === '1';

  return (
    <div className="page">
      <div className="page-header">
        <h1>Schedules</h1>
        <div className="page-actions">
          <ToggleButton
            open={creating}
            onToggle={(open) => setParams(open ? { new: '1' } : {})}
            label="New schedule"
            primary
            testId="schedule-new"
          />
        </div>
      </div>
      <p className="muted small">
        Every schedule is a Temporal Schedule: <code>temporal schedule list</code> and the Temporal UI show the same
        ones.
      </p>

      {creating && (
        <section className="panel" aria-label="New schedule">
          <ScheduleForm
            defaultTemplateId={params.get('template') ?? ''}
            onSaved={(id) => navigate(`/schedules/${encodeURIComponent(id)}`)}
            onCancel={() => setParams({})}
          />
        </section>
      )}

      <section className="section" aria-label="Schedules">
        <ListState
          query={schedules}
          noun="schedules"
          loadingRows={3}
          empty={<p className="muted">No schedules yet.</p>}
        >
          {(list) => (
            <DataTable
              label="Schedules"
              testId="schedules-table"
              columns={['Schedule', 'Status', 'When', 'Job type', 'Next run', 'Actions']}
            >
              {list.map((schedule) => (
                <tr key={schedule.id} data-testid="schedule-row" data-schedule-id={schedule.id}>
                  <td data-label="Schedule">
                    <Link to={`/schedules/${encodeURIComponent(schedule.id)}`}>{schedule.name}</Link>
                    {schedule.builtIn && <span className="muted small"> · built-in</span>}
                    <div className="muted small mono">{schedule.id}</div>
                  </td>
                  <td data-label="Status">
                    {schedule.paused ? (
                      <StatusBadge tone="warn" testId="schedule-status" title={schedule.note ?? undefined}>
                        paused
                      </StatusBadge>
                    ) : (
                      <StatusBadge tone="ok" testId="schedule-status">
                        active
                      </StatusBadge>
                    )}
                  </td>
                  <td data-label="When">
                    {schedule.descriptions.join('; ') || '—'}
                    <div className="muted small">{schedule.timezone}</div>
                  </td>
                  <td data-label="Job type">
                    <code>{schedule.type ?? schedule.workflowType}</code>
                  </td>
                  <td data-label="Next run">
                    {schedule.paused ? (
                      <span className="muted">paused</span>
                    ) : (
                      <Countdown iso={schedule.nextRuns[0]} testId="schedule-next" />
                    )}
                  </td>
                  <td data-label="Actions">
                    <ScheduleActions id={schedule.id} paused={schedule.paused} compact />
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
        </ListState>
      </section>

      <TemplatesPanel />
    </div>
  );
}
