import { useState } from 'react';
import { plural } from '../../lib/format';
import { trpc } from '../../trpc';
import { ConfirmButtons, DialogError } from '../dialog/ConfirmDialog';
import { Dialog } from '../dialog/Dialog';
import { useInvalidateJobs } from '../job-actions/useInvalidateJobs';
import { JobSample } from '../JobSample';
import { useToast } from '../toasts/Toasts';
import { bulkRequestOf, scopeOf, type BulkAction, type BulkTarget } from './bulk-target';
import { BulkOutcome, bulkToastOf, type BulkResult } from './BulkResults';
import { messageOf } from '../../lib/errors';

const SKIPPED_NOTE: Record<BulkAction, string> = {
  retry:
    'Only failed, cancelled, terminated and timed-out jobs not retried before are retried; the others are skipped.',
  cancel:
    'Only waiting and running jobs can be cancelled; the others are skipped. Running activities clean up at their next heartbeat.',
  delete:
    'Only finished jobs are deleted, with their logs; waiting and running jobs are skipped. This cannot be undone (the audit log keeps a record).',
  rerun_from_step:
    'Each finished job runs again from just before its last step of that activity (Temporal reset): earlier steps are not redone. Jobs without such a step, or still running, are skipped.',
  retry_activity_now:
    'Each running job whose activity waits out a retry backoff starts its next attempt now; the others are skipped.',
  start_like: 'Each job is copied: a new job of the same type with the same input (its secrets included) starts.',
};

/** The button's verb, and the verb in "This will … 3 jobs" / "nothing to …". */
const VERBS: Record<BulkAction, { Verb: string; verb: string }> = {
  retry: { Verb: 'Retry', verb: 'retry' },
  cancel: { Verb: 'Cancel', verb: 'cancel' },
  delete: { Verb: 'Delete', verb: 'delete' },
  rerun_from_step: { Verb: 'Rerun from step', verb: 'rerun from a step' },
  retry_activity_now: { Verb: 'Retry activity now', verb: 'retry the activity of' },
  start_like: { Verb: 'Start like', verb: 'start a copy of' },
};

/**
 * Asks the server first how many jobs the target is; then does it, and shows what became of each
 * (or which background job does it). `onClose(true)` once something was done.
 */
export function BulkDialog({ target, onClose }: { target: BulkTarget; onClose: (done: boolean) => void }) {
  const toast = useToast();
  const invalidate = useInvalidateJobs();
  const request = bulkRequestOf(target);
  const preview = trpc.jobs.bulkPreview.useQuery(request, { staleTime: 0, gcTime: 0, refetchOnWindowFocus: false });
  const bulk = trpc.jobs.bulk.useMutation();
  const [result, setResult] = useState<BulkResult | null>(null);
  const { Verb, verb } = VERBS[target.action];
  const scope = scopeOf(target);
  const count = preview.data?.count ?? 0;

  const confirm = () =>
    bulk.mutate(request, {
      onSuccess: (answer) => {
        invalidate(...answer.results.map((item) => item.id));
        setResult(answer);
        toast.push(bulkToastOf(answer, Verb.toLowerCase()));
      },
      onError: (error) =>
        toast.push({ tone: 'error', title: `Bulk ${Verb.toLowerCase()} refused`, body: messageOf(error) }),
    });

  if (result) {
    return (
      <Dialog
        title={`Bulk ${Verb.toLowerCase()}: ${result.mode === 'job' ? 'started' : 'done'}`}
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
        <BulkOutcome result={result} onFollow={() => onClose(true)} />
      </Dialog>
    );
  }

  return (
    <Dialog
      title={`${Verb} ${target.ids ? `${target.ids.length} selected job${target.ids.length === 1 ? '' : 's'}` : 'all matching jobs'}?`}
      onClose={() => onClose(false)}
      busy={bulk.isPending}
      testId="bulk-dialog"
      onSubmit={() => {
        if (preview.data && count > 0 && !bulk.isPending) confirm();
      }}
      footer={
        <ConfirmButtons
          confirmLabel={bulk.isPending ? 'Working…' : `${Verb} ${preview.data ? plural(count, 'job') : '…'}`}
          tone={target.action === 'cancel' || target.action === 'delete' ? 'danger' : 'primary'}
          busy={bulk.isPending}
          confirmDisabled={!preview.data || count === 0}
          onClose={() => onClose(false)}
        />
      }
    >
      {preview.error ? (
        <DialogError error={preview.error} />
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
          {target.step && (
            <p data-testid="dialog-step">
              From the step <code>{target.step.activity}</code>
              {target.reason ? <>, because: {target.reason}</> : null}
            </p>
          )}
          <p className="muted small">{SKIPPED_NOTE[target.action]}</p>
          <JobSample ids={preview.data.sample} count={count} />
        </>
      )}
    </Dialog>
  );
}
