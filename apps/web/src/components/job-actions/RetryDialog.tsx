import { trpc } from '../../trpc';
import { MutationDialog } from '../dialog/MutationDialog';
import { DialogJobId, type JobDialogProps } from './action-job';
import { RetriedAs } from './JobLineage';
import { useInvalidateJobs } from './useInvalidateJobs';

export function RetryDialog({ job, onClose }: JobDialogProps) {
  const invalidate = useInvalidateJobs();
  const retry = trpc.jobs.retry.useMutation({ onSuccess: (result) => invalidate(job.id, result.id) });
  return (
    <MutationDialog
      mutation={retry}
      input={{ id: job.id }}
      succeeded={(result) => ({ title: `Retried ${job.id}`, body: <RetriedAs id={result.id} /> })}
      failedTitle={`Could not retry ${job.id}`}
      title="Retry this job?"
      confirmLabel="Retry"
      busyLabel="Retrying…"
      onClose={onClose}
      testId="retry-dialog"
    >
      <p data-testid="dialog-effect">
        Retry <DialogJobId id={job.id} />? A new <code>{job.type}</code> job starts with the same input, priority and
        attempts. {`This one stays ${job.state.replace('_', ' ')} and links to the new one as “retried as”.`}
      </p>
      <p className="muted small">
        No single `temporal` command does this: Jobdeck starts a new workflow and records the link both ways.
      </p>
    </MutationDialog>
  );
}
