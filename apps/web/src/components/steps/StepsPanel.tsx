import { useEffect, useState } from 'react';
import { between, clockTime, duration } from '../../lib/format';
import { usePermissions } from '../../lib/permissions';
import { isLive } from '../../lib/states';
import { trpc, type JobDetail } from '../../trpc';
import { DataTable } from '../DataTable';
import { ErrorBox } from '../ErrorBox';
import { Loading } from '../Loading';
import { ToneBadge } from '../StateBadge';
import { RerunFromStepDialog, type RerunStep } from './RerunFromStepDialog';
import { stepTone } from './step-words';
import './Steps.css';

/**
 * The job's steps: each activity it scheduled (Jobdeck's own bookkeeping left out), with its
 * attempts, times and error; an operator may rerun the job from any step when Temporal allows it.
 */
export function StepsPanel({ job }: { job: JobDetail }) {
  const { canOperate } = usePermissions();
  const live = isLive(job.state);
  const steps = trpc.jobs.steps.useQuery({ id: job.id }, { refetchInterval: live ? 3_000 : false });
  const [rerun, setRerun] = useState<RerunStep | null>(null);
  // A new state or a new run (a reset, a retry of an activity) changes the steps: read them again.
  const version = `${job.state}:${job.runId ?? ''}:${job.attempts}`;
  const { refetch } = steps;
  useEffect(() => void refetch(), [version, refetch]);

  const data = steps.data;
  const whyId = `steps-why-${job.id}`;
  return (
    <section className="panel" aria-labelledby="steps-title" data-testid="job-steps-panel">
      <h2 id="steps-title">Steps</h2>
      {steps.error && !data ? (
        <ErrorBox error={steps.error} title="Could not read the steps" onRetry={() => void steps.refetch()} />
      ) : !data ? (
        <Loading rows={2} />
      ) : data.steps.length === 0 ? (
        <p className="muted">No step yet: the job has not scheduled an activity.</p>
      ) : (
        <>
          {canOperate && !data.rerunnable && data.why && (
            <p className="muted small" id={whyId} data-testid="steps-why">
              Rerun from a step: {data.why}
            </p>
          )}
          <DataTable
            label="Steps"
            testId="job-step-list"
            cards={false}
            columns={['#', 'Activity', 'State', 'Attempt', 'Scheduled', 'Took', 'Error', ...(canOperate ? [''] : [])]}
          >
            {data.steps.map((step) => (
              <tr
                key={step.eventId}
                data-testid="step-row"
                data-activity={step.activity}
                data-state={step.state}
                data-event={step.eventId}
              >
                <td className="num muted">{step.eventId}</td>
                <td className="mono">{step.activity}</td>
                <td>
                  <ToneBadge tone={stepTone(step.state)} label={step.state.replace('_', ' ')} />
                </td>
                <td className="num">{step.attempt}</td>
                <td>{clockTime(step.scheduledAt)}</td>
                <td>{duration(between(step.startedAt ?? step.scheduledAt, step.closedAt))}</td>
                <td className="failure-cell">{step.error ?? <span className="muted">—</span>}</td>
                {canOperate && (
                  <td className="step-action">
                    <button
                      type="button"
                      className="button button-small"
                      disabled={!data.rerunnable}
                      aria-describedby={data.rerunnable ? undefined : whyId}
                      title={data.rerunnable ? undefined : (data.why ?? undefined)}
                      onClick={() => setRerun({ eventId: step.eventId, activity: step.activity })}
                      data-testid="step-rerun"
                    >
                      Rerun from here
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </DataTable>
        </>
      )}
      {rerun && <RerunFromStepDialog jobId={job.id} step={rerun} onClose={() => setRerun(null)} />}
    </section>
  );
}
