import { cli } from '../../lib/cli';
import { trpc } from '../../trpc';
import { MutationDialog } from '../dialog/MutationDialog';
import { DialogJobId, type JobDialogProps } from './action-job';
import { useInvalidateJobs } from './useInvalidateJobs';

function cancelEffect(state: string): string {
  switch (state) {
    case 'waiting':
      return 'It has not started: it will not run, and ends as cancelled.';
    case 'delayed':
      return 'It is scheduled for later: it will not run, and ends as cancelled.';
    case 'retrying':
      return 'It is waiting for its next attempt: it will not try again, and ends as cancelled.';
    default:
      return 'The running activity is told at its next heartbeat, cleans up, and the job ends as cancelled.';
  }
}

export function CancelDialog({ job, onClose }: JobDialogProps) {
  const invalidate = useInvalidateJobs();
  const cancel = trpc.jobs.cancel.useMutation({ onSuccess: () => invalidate(job.id) });
  return (
    <MutationDialog
      mutation={cancel}
      input={{ id: job.id }}
      succeeded={(result) => ({
        title: `Cancelling ${job.id}`,
        body: 'Cancellation requested: the job ends as cancelled once its activity has cleaned up.',
        cli: result.cli,
      })}
      failedTitle={`Could not cancel ${job.id}`}
      title="Cancel this job?"
      confirmLabel="Cancel job"
      busyLabel="Cancelling…"
      dismissLabel="Keep it"
      tone="danger"
      onClose={onClose}
      cli={cli.cancel(job.id)}
      testId="cancel-dialog"
    >
      <p data-testid="dialog-effect">
        Cancel <DialogJobId id={job.id} />? {cancelEffect(job.state)}
      </p>
    </MutationDialog>
  );
}
