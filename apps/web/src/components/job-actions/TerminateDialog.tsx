import { useId, useState } from 'react';
import { cli, reasons } from '../../lib/cli';
import { httpStatusOf, issuesOf } from '../../lib/errors';
import { trpc } from '../../trpc';
import { ConfirmDialog } from '../dialog/ConfirmDialog';
import { useDialogOutcome } from '../dialog/useDialogOutcome';
import { TextField } from '../TextField';
import { DialogJobId, type JobDialogProps } from './action-job';
import { useInvalidateJobs } from './useInvalidateJobs';

export function TerminateDialog({ job, actor, onClose }: JobDialogProps & { actor: string | undefined }) {
  const id = useId();
  const outcome = useDialogOutcome(onClose);
  const invalidate = useInvalidateJobs();
  const terminate = trpc.jobs.terminate.useMutation();
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  const tooShort = reason.trim().length < 3;
  const fieldError =
    issuesOf(terminate.error).find((issue) => issue.path[0] === 'reason')?.message ??
    (touched && tooShort ? 'say why, in a few words (3 characters at least)' : null);
  const refusedByField = httpStatusOf(terminate.error) === 400;

  const confirm = () => {
    setTouched(true);
    if (tooShort) return;
    terminate.mutate(
      { id: job.id, reason: reason.trim() },
      {
        onSuccess: (result) => {
          invalidate(job.id);
          outcome.succeeded({
            title: `Terminated ${job.id}`,
            body: 'The workflow was ended at once; no cleanup ran.',
            cli: result.cli,
          });
        },
        onError: (error) => {
          if (httpStatusOf(error) !== 400) outcome.failed(`Could not terminate ${job.id}`)(error);
        },
      },
    );
  };

  return (
    <ConfirmDialog
      title="Terminate this job?"
      confirmLabel="Terminate"
      busyLabel="Terminating…"
      dismissLabel="Keep it"
      tone="danger"
      busy={terminate.isPending}
      onConfirm={confirm}
      onClose={onClose}
      cli={cli.terminate(job.id, reasons.terminate(reason.trim() || '<reason>', actor))}
      error={terminate.error && !refusedByField ? terminate.error : null}
      testId="terminate-dialog"
    >
      <p data-testid="dialog-effect">
        Terminate <DialogJobId id={job.id} />? Temporal ends the workflow at once: no cleanup runs, the activity stops
        wherever it is, and the job ends as terminated with your reason recorded. Prefer Cancel unless the job ignores
        cancellation.
      </p>
      <TextField
        label="Reason (required)"
        field="reason"
        formId={id}
        errors={{ reason: fieldError ? [fieldError] : [] }}
        type="text"
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        onBlur={() => setTouched(true)}
        maxLength={500}
        placeholder="e.g. stuck on a dead upstream, cancel ignored"
        data-testid="terminate-reason"
        data-autofocus
      />
    </ConfirmDialog>
  );
}
