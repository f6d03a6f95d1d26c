import { useState } from 'react';
import { usePermissions } from '../../lib/permissions';
import { trpc, type JobDetail } from '../../trpc';
import { MutationDialog } from '../dialog/MutationDialog';
import { RelativeTime } from '../RelativeTime';
import { DialogJobId } from '../job-actions/action-job';
import { useInvalidateJobs } from '../job-actions/useInvalidateJobs';
import { isWaitingOutBackoff } from './step-words';

/**
 * "Retry now", for an operator, on a running job whose activity waits out its retry backoff: the next
 * attempt starts at once instead of at its scheduled time, without restarting the job.
 */
export function RetryNowButton({ job }: { job: JobDetail }) {
  const { canOperate } = usePermissions();
  const [open, setOpen] = useState(false);
  const invalidate = useInvalidateJobs();
  const utils = trpc.useUtils();
  const retry = trpc.jobs.retryActivityNow.useMutation({
    onSuccess: () => {
      invalidate(job.id);
      void utils.jobs.steps.invalidate({ id: job.id });
    },
  });
  // The step's id, when the steps panel has read it: with several activities pending, it says which.
  const steps = trpc.jobs.steps.useQuery({ id: job.id }, { enabled: false });
  const waiting = job.pendingActivities.find(isWaitingOutBackoff);
  if (!canOperate || !waiting) return null;
  const activityId = steps.data?.steps.find(
    (step) => step.state === 'retrying' && step.activity === waiting.activityType,
  )?.activityId;

  return (
    <>
      <button type="button" className="button" onClick={() => setOpen(true)} data-testid="retry-now">
        Retry now
      </button>
      {open && (
        <MutationDialog
          mutation={retry}
          input={{ id: job.id, ...(activityId ? { activityId } : {}) }}
          succeeded={(result) => ({
            title: `Retrying ${result.activity} now`,
            body: `attempt ${result.attempt} of ${job.id} starts at once`,
          })}
          failedTitle={`Could not retry ${waiting.activityType} now`}
          title="Retry this activity now?"
          confirmLabel="Retry now"
          busyLabel="Asking…"
          onClose={() => setOpen(false)}
          testId="retry-now-dialog"
        >
          <p data-testid="dialog-effect">
            <code>{waiting.activityType}</code> of <DialogJobId id={job.id} /> failed attempt {waiting.attempt - 1} and
            waits for its next one (<RelativeTime iso={waiting.nextAttemptAt} />
            ). Start attempt {waiting.attempt} now instead; the job keeps running, nothing before it is redone.
          </p>
        </MutationDialog>
      )}
    </>
  );
}
