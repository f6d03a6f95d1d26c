import { useState } from 'react';
import { Link } from 'react-router';
import { messageOf } from '../lib/errors';
import { usePermissions } from '../lib/permissions';
import { BUCKETS, stateLabel } from '../lib/states';
import type { JobFilter } from '../lib/useJobList';
import { trpc, type RouterInputs, type RouterOutputs } from '../trpc';
import { Dialog } from './ConfirmDialog';
import { useInvalidateJobs } from './JobActions';
import { useToast } from './Toasts';

type BulkRequest = RouterInputs['jobs']['bulk'];
type BulkResult = RouterOutputs['jobs']['bulk'];
type BulkAction = BulkRequest['action'];

interface Target {
  action: BulkAction;
  /** The selected rows, or every job the filter matches. */
  ids?: string[];
  filter?: JobFilter;
}

function describeFilter(filter: JobFilter): string {
  const parts: string[] = [];
  const bucket = BUCKETS.find((entry) => entry.key === filter.bucket);
  if (filter.bucket)
    parts.push(bucket ? `state ${bucket.states.map(stateLabel).join(' or ')}` : `bucket ${filter.bucket}`);
  if (filter.state) parts.push(`state ${stateLabel(filter.state)}`);
  if (filter.type) parts.push(`type ${filter.type}`);
  if (filter.queue) parts.push(`queue ${filter.queue}`);
  return parts.join(', ');
}

export function hasFilter(filter: JobFilter): boolean {
  return !!(filter.state || filter.bucket || filter.type || filter.queue);
}

/**
 * Retry or cancel the selected jobs, or every job the current filter matches. The dialog asks the
 * server first how many that is; small selections are done at once with a result per job, large
 * ones become a bulk.action job whose page shows the progress.
 */
export function BulkBar({
  selected,
  filter,
  onDone,
  onClear,
}: {
  selected: string[];
  filter: JobFilter;
  onDone: () => void;
  onClear: () => void;
}) {
  const { canOperate } = usePermissions();
  const [target, setTarget] = useState<Target | null>(null);
  if (!canOperate) return null;
  const count = selected.length;
  const filtered = hasFilter(filter);
  const cleanFilter: JobFilter = Object.fromEntries(Object.entries(filter).filter(([, value]) => value)) as JobFilter;

  return (
    <div
      className={`bulk-bar${count ? ' bulk-bar-active' : ''}`}
      data-testid="bulk-bar"
      role="toolbar"
      aria-label="Bulk actions"
    >
      <span className="bulk-count" data-testid="bulk-count" aria-live="polite">
        {count ? `${count} selected` : 'Select jobs to act on several at once'}
      </span>
      {count > 0 && (
        <>
          <button
            type="button"
            className="button button-small"
            onClick={() => setTarget({ action: 'retry', ids: selected })}
            data-testid="bulk-retry-selected"
          >
            Retry selected
          </button>
          <button
            type="button"
            className="button button-small"
            onClick={() => setTarget({ action: 'cancel', ids: selected })}
            data-testid="bulk-cancel-selected"
          >
            Cancel selected
          </button>
          <button type="button" className="button button-small button-ghost" onClick={onClear} data-testid="bulk-clear">
            Clear selection
          </button>
        </>
      )}
      {filtered && (
        <span className="bulk-matching">
          <button
            type="button"
            className="button button-small"
            onClick={() => setTarget({ action: 'retry', filter: cleanFilter })}
            data-testid="bulk-retry-matching"
          >
            Retry all matching…
          </button>
          <button
            type="button"
            className="button button-small"
            onClick={() => setTarget({ action: 'cancel', filter: cleanFilter })}
            data-testid="bulk-cancel-matching"
          >
            Cancel all matching…
          </button>
        </span>
      )}
      {target && (
        <BulkDialog
          target={target}
          onClose={(done) => {
            setTarget(null);
            if (done) onDone();
          }}
        />
      )}
    </div>
  );
}

function BulkDialog({ target, onClose }: { target: Target; onClose: (done: boolean) => void }) {
  const toast = useToast();
  const invalidate = useInvalidateJobs();
  const request: BulkRequest = target.ids
    ? { action: target.action, ids: target.ids }
    : { action: target.action, filter: target.filter ?? {} };
  const preview = trpc.jobs.bulkPreview.useQuery(request, { staleTime: 0, gcTime: 0, refetchOnWindowFocus: false });
  const bulk = trpc.jobs.bulk.useMutation();
  const [result, setResult] = useState<BulkResult | null>(null);
  const verb = target.action === 'retry' ? 'retry' : 'cancel';
  const scope = target.ids ? 'the selected jobs' : `every job matching ${describeFilter(target.filter ?? {})}`;
  const count = preview.data?.count ?? 0;

  const confirm = () =>
    bulk.mutate(request, {
      onSuccess: (answer) => {
        invalidate(...answer.results.map((item) => item.id));
        setResult(answer);
        if (answer.mode === 'job') {
          toast.push({
            tone: 'info',
            title: `Bulk ${verb} started for ${answer.count} jobs`,
            body: (
              <>
                It runs as the background job{' '}
                <Link to={`/jobs/${encodeURIComponent(answer.jobId!)}`} className="mono" data-testid="toast-job-link">
                  {answer.jobId}
                </Link>
              </>
            ),
          });
        } else {
          const done = answer.results.filter((item) => item.outcome === 'done').length;
          const failed = answer.results.filter((item) => item.outcome === 'failed').length;
          const skipped = answer.results.length - done - failed;
          toast.push({
            tone: failed ? 'error' : 'ok',
            title: `Bulk ${verb}: ${done} of ${answer.count} done`,
            body:
              [skipped && `${skipped} skipped`, failed && `${failed} failed`].filter(Boolean).join(', ') || undefined,
          });
        }
      },
      onError: (error) => toast.push({ tone: 'error', title: `Bulk ${verb} refused`, body: messageOf(error) }),
    });

  if (result) {
    return (
      <Dialog
        title={`Bulk ${verb}: ${result.mode === 'job' ? 'started' : 'done'}`}
        onClose={() => onClose(true)}
        testId="bulk-dialog"
        wide
        footer={
          <button
            type="button"
            className="button button-primary"
            onClick={() => onClose(true)}
            data-testid="dialog-dismiss"
          >
            Close
          </button>
        }
      >
        {result.mode === 'job' ? (
          <p data-testid="bulk-job">
            {result.count} jobs are too many to do in one request: the background job{' '}
            <Link
              to={`/jobs/${encodeURIComponent(result.jobId!)}`}
              className="mono"
              data-testid="bulk-job-link"
              onClick={() => onClose(true)}
            >
              {result.jobId}
            </Link>{' '}
            does it, and its page shows the progress.
          </p>
        ) : (
          <BulkResults results={result.results} />
        )}
      </Dialog>
    );
  }

  return (
    <Dialog
      title={`${verb === 'retry' ? 'Retry' : 'Cancel'} ${target.ids ? `${target.ids.length} selected job${target.ids.length === 1 ? '' : 's'}` : 'all matching jobs'}?`}
      onClose={() => onClose(false)}
      busy={bulk.isPending}
      testId="bulk-dialog"
      onSubmit={() => {
        if (preview.data && count > 0 && !bulk.isPending) confirm();
      }}
      footer={
        <>
          <button
            type="button"
            className="button"
            onClick={() => onClose(false)}
            disabled={bulk.isPending}
            data-testid="dialog-dismiss"
          >
            Go back
          </button>
          <button
            type="submit"
            className={`button ${verb === 'cancel' ? 'button-destructive' : 'button-primary'}`}
            disabled={!preview.data || count === 0 || bulk.isPending}
            data-testid="dialog-confirm"
          >
            {bulk.isPending
              ? 'Working…'
              : `${verb === 'retry' ? 'Retry' : 'Cancel'} ${preview.data ? `${count} job${count === 1 ? '' : 's'}` : '…'}`}
          </button>
        </>
      }
    >
      {preview.error ? (
        <p className="form-error" role="alert" data-testid="dialog-error">
          {messageOf(preview.error)}
        </p>
      ) : !preview.data ? (
        <p className="muted">Asking the server how many jobs that is…</p>
      ) : (
        <>
          <p data-testid="dialog-effect">
            {count === 0 ? (
              <>No job matches: nothing to {verb}.</>
            ) : (
              <>
                This will {verb} <strong data-testid="dialog-count">{count}</strong> job{count === 1 ? '' : 's'} (
                {scope});{' '}
                {preview.data.runsAsJob
                  ? 'it runs as a background job, whose page shows the progress.'
                  : 'it runs now, one job after the other, with a result for each.'}
              </>
            )}
          </p>
          <p className="muted small">
            {verb === 'retry'
              ? 'Only failed, cancelled, terminated and timed-out jobs not retried before are retried; the others are skipped.'
              : 'Only waiting and running jobs can be cancelled; the others are skipped. Running activities clean up at their next heartbeat.'}
          </p>
          {preview.data.sample.length > 0 && (
            <details className="sample">
              <summary>
                {preview.data.sample.length < count
                  ? `the first ${preview.data.sample.length} of ${count}`
                  : `the ${count} job${count === 1 ? '' : 's'}`}
              </summary>
              <ul className="sample-list mono" data-testid="dialog-sample">
                {preview.data.sample.map((id) => (
                  <li key={id}>{id}</li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
    </Dialog>
  );
}

function BulkResults({ results }: { results: BulkResult['results'] }) {
  if (!results.length) return <p className="muted">No job was touched.</p>;
  return (
    <ul className="bulk-results" data-testid="bulk-results">
      {results.map((item) => (
        <li
          key={item.id}
          className={`bulk-result bulk-${item.outcome}`}
          data-testid="bulk-result"
          data-outcome={item.outcome}
        >
          <span
            className={`badge ${item.outcome === 'done' ? 'status-ok' : item.outcome === 'failed' ? 'status-bad' : 'status-idle'}`}
          >
            {item.outcome}
          </span>
          <Link to={`/jobs/${encodeURIComponent(item.id)}`} className="mono">
            {item.id}
          </Link>
          {item.newId && (
            <span className="small">
              → retried as{' '}
              <Link to={`/jobs/${encodeURIComponent(item.newId)}`} className="mono">
                {item.newId}
              </Link>
            </span>
          )}
          {item.reason && <span className="small muted bulk-reason">{item.reason}</span>}
        </li>
      ))}
    </ul>
  );
}
