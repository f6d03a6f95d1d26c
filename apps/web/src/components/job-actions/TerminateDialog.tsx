import { useId } from 'react';
import { cli, reasons } from '../../lib/cli';
import { httpStatusOf } from '../../lib/errors';
import { trpc } from '../../trpc';
import { ConfirmDialog } from '../dialog/ConfirmDialog';
import { RequiredReasonField, useRequiredReason } from '../dialog/RequiredReason';
import { useDialogOutcome } from '../dialog/useDialogOutcome';
import { DialogJobId, type JobDialogProps } from './action-job';
import { useInvalidateJobs } from './useInvalidateJobs';

export function TerminateDialog({ job, actor, onClose }: JobDialogProps & { actor: string | undefined }) {
  const id = useId();
  const outcome = useDialogOutcome(onClose);
  const invalidate = useInvalidateJobs();
  const terminate = trpc.jobs.terminate.useMutation();
  const { reason, ready, field } = useRequiredReason(
    terminate.error,
    3,
    'say why, in a few words (3 characters at least)',
  );
  const refusedByField = httpStatusOf(terminate.error) === 400;

  const confirm = () => {
    if (!ready()) return;
    terminate.mutate(
      { id: job.id, reason },
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
      cli={cli.terminate(job.id, reasons.terminate(reason || '<reason>', actor))}
      error={terminate.error && !refusedByField ? terminate.error : null}
      testId="terminate-dialog"
    >
      <p data-testid="dialog-effect">
        Terminate <DialogJobId id={job.id} />? Temporal ends the workflow at once: no cleanup runs, the activity stops
        wherever it is, and the job ends as terminated with your reason recorded. Prefer Cancel unless the job ignores
        cancellation.
      </p>
      <RequiredReasonField
        {...field}
        formId={id}
        placeholder="e.g. stuck on a dead upstream, cancel ignored"
        testId="terminate-reason"
      />
    </ConfirmDialog>
  );
}
