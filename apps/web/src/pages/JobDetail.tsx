import { Link, useParams } from 'react-router';
import { ItemState, RefreshError } from '../components/ItemState';
import { DeleteJobButton } from '../components/job-actions/DeleteJobButton';
import { JobActions } from '../components/job-actions/JobActions';
import { JobLineage } from '../components/job-actions/JobLineage';
import { StartLikeButton } from '../components/job-actions/StartLikeButton';
import { JobChildren } from '../components/job-family/JobChildren';
import { JobParent } from '../components/job-family/JobParent';
import { JsonBlock } from '../components/JsonBlock';
import { LogList } from '../components/LogList';
import { PendingActivities } from '../components/PendingActivities';
import { ProgressBar } from '../components/ProgressBar';
import { QueuePausedBadge, QueuePausedNotice } from '../components/queues/QueueStatus';
import { StateBadge } from '../components/StateBadge';
import { RetryNowButton } from '../components/steps/RetryNowButton';
import { StepsPanel } from '../components/steps/StepsPanel';
import { TemporalLinks } from '../components/TemporalLinks';
import { TimeLeft } from '../components/TimeLeft';
import { Timings } from '../components/Timings';
import { usePollInterval } from '../live';
import { useLiveScope } from '../lib/live-scope';
import { isLive } from '../lib/states';
import { trpc, type JobDetail } from '../trpc';
import './JobDetail.css';

function ProgressPanel({ job }: { job: JobDetail }) {
  const progress = job.progress;
  const percent = progress?.percent ?? (job.state === 'completed' ? 100 : 0);
  return (
    <section className="panel" aria-labelledby="progress-title">
      <h2 id="progress-title">Progress</h2>
      <ProgressBar percent={percent} state={job.state} testId="job-progress" label="job progress" />
      <dl className="facts facts-row">
        <div>
          <dt>Step</dt>
          <dd data-testid="job-step">{progress?.step ?? '—'}</dd>
        </div>
        <div>
          <dt>Steps</dt>
          <dd data-testid="job-steps">{progress ? `${progress.stepsDone}/${progress.stepsTotal ?? '?'}` : '—'}</dd>
        </div>
        <div>
          <dt>Attempts</dt>
          <dd data-testid="job-attempts">
            {job.attempts} of {job.maxAttempts ?? '?'}
          </dd>
        </div>
        {job.estimate && (
          <div>
            <dt>Time left</dt>
            <dd>
              <TimeLeft estimate={job.estimate} />
            </dd>
          </div>
        )}
      </dl>
      {progress?.message && (
        <p className="progress-message" data-testid="job-progress-message">
          {progress.message}
        </p>
      )}
    </section>
  );
}

function ErrorPanel({ job }: { job: JobDetail }) {
  if (!job.error) return null;
  const final = !isLive(job.state);
  return (
    <section
      className={`panel panel-${final ? 'error' : 'warning'}`}
      aria-labelledby="error-title"
      data-testid="job-error"
    >
      <h2 id="error-title">{final ? 'Error' : 'Last failure (will retry)'}</h2>
      <p className="error-message">{job.error}</p>
      {job.errorStack && (
        <details>
          <summary>Stack trace</summary>
          <pre className="code-block">{job.errorStack}</pre>
        </details>
      )}
    </section>
  );
}

function Header({ job }: { job: JobDetail }) {
  return (
    <div className="page-header job-header">
      <div className="job-title">
        <p className="breadcrumbs">
          <Link to="/jobs">Jobs</Link> / <Link to={`/jobs?type=${encodeURIComponent(job.type)}`}>{job.type}</Link>
        </p>
        <h1 className="mono" data-testid="job-id">
          {job.id}
        </h1>
        <p className="muted small">
          queue <code>{job.queue}</code> <QueuePausedBadge queue={job.queue} /> · priority{' '}
          <span className={`priority priority-${job.priority}`}>{job.priority}</span> · requested by{' '}
          {job.requestedBy ?? '—'}
          {job.scheduleId && (
            <>
              {' '}
              · from schedule{' '}
              <Link to={`/schedules/${encodeURIComponent(job.scheduleId)}`} data-testid="job-schedule">
                {job.scheduleId}
              </Link>
            </>
          )}
          {job.idempotencyKey && (
            <>
              {' '}
              · key <code>{job.idempotencyKey}</code>
            </>
          )}
        </p>
      </div>
      <div className="job-header-side">
        <StateBadge state={job.state} testId="job-state" large />
        <JobActions job={job} />
        <StartLikeButton job={job} />
        <DeleteJobButton job={job} />
      </div>
      <JobLineage job={job} />
      <JobParent job={job} />
      <QueuePausedNotice queue={job.queue} live={isLive(job.state)} />
    </div>
  );
}

export function JobDetailPage() {
  const { id = '' } = useParams();
  const interval = usePollInterval(true, { polling: 2_000, live: 15_000 });
  useLiveScope({ jobId: id });
  const job = trpc.jobs.get.useQuery(
    { id },
    // A finished job does not change: poll only while it runs.
    { refetchInterval: (query) => (!query.state.data || isLive(query.state.data.state) ? interval : false) },
  );

  return (
    <ItemState query={job} noun="job" back={{ to: '/jobs', label: 'Back to jobs' }}>
      {(data) => (
        <div className="page" data-testid="job-page">
          <Header job={data} />
          <RefreshError query={job} />
          <div className="job-grid">
            <div className="job-main">
              <ProgressPanel job={data} />
              <ErrorPanel job={data} />
              {(data.resultSummary || data.result !== null) && (
                <section className="panel" aria-labelledby="result-title">
                  <h2 id="result-title">Result</h2>
                  {data.resultSummary && (
                    <p className="result-summary" data-testid="job-result-summary">
                      {data.resultSummary}
                    </p>
                  )}
                  {data.result !== null && (
                    <details>
                      <summary>Full result</summary>
                      <JsonBlock value={data.result} testId="job-result" />
                    </details>
                  )}
                </section>
              )}
              <StepsPanel job={data} />
              <section className="panel" aria-labelledby="activities-title">
                <div className="panel-header">
                  <h2 id="activities-title">Pending activities</h2>
                  {isLive(data.state) && <RetryNowButton job={data} />}
                </div>
                <PendingActivities activities={data.pendingActivities} />
              </section>
              <JobChildren job={data} />
              <section className="panel" aria-labelledby="logs-title">
                <h2 id="logs-title">
                  Logs <span className="muted small">newest first</span>
                </h2>
                <LogList logs={data.logs} />
              </section>
            </div>
            <aside className="job-side">
              <section className="panel" aria-labelledby="temporal-title">
                <h2 id="temporal-title">Temporal</h2>
                {data.temporal ? (
                  <TemporalLinks temporal={data.temporal} />
                ) : (
                  <p className="muted">Temporal does not know this job (or is unreachable).</p>
                )}
              </section>
              <section className="panel" aria-labelledby="timings-title">
                <h2 id="timings-title">Timings</h2>
                <Timings job={data} />
              </section>
              <section className="panel" aria-labelledby="input-title">
                <h2 id="input-title">Input</h2>
                <JsonBlock value={data.input} testId="job-input" />
              </section>
            </aside>
          </div>
        </div>
      )}
    </ItemState>
  );
}
