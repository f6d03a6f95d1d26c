import { useId } from 'react';
import { httpStatusOf } from '../../lib/errors';
import { trpc } from '../../trpc';
import { ConfirmDialog } from '../dialog/ConfirmDialog';
import { RequiredReasonField, useRequiredReason } from '../dialog/RequiredReason';
import { useDialogOutcome } from '../dialog/useDialogOutcome';
import { DialogJobId } from '../job-actions/action-job';
import { useInvalidateJobs } from '../job-actions/useInvalidateJobs';

export interface RerunStep {
  eventId: number;
  activity: string;
}

/** Resets the job's workflow to just before a step (Temporal's reset): earlier steps' results are kept. */
export function RerunFromStepDialog({ jobId, step, onClose }: { jobId: string; step: RerunStep; onClose: () => void }) {
  const id = useId();
  const outcome = useDialogOutcome(onClose);
  const invalidate = useInvalidateJobs();
  const utils = trpc.useUtils();
  const rerun = trpc.jobs.rerunFromStep.useMutation();
  const { reason, fieldError, ready, field } = useRequiredReason(
    rerun.error,
    1,
    'say why: the reason is recorded on the job and in the audit log',
  );

  const confirm = () => {
    if (!ready()) return;
    rerun.mutate(
      { id: jobId, eventId: step.eventId, reason },
      {
        onSuccess: (result) => {
          invalidate(jobId);
          void utils.jobs.steps.invalidate({ id: jobId });
          outcome.succeeded({
            title: `Rerunning ${jobId} from ${result.step}`,
            body: `A new run (${result.runId}) continues from before that step; the earlier steps are not done again.`,
          });
        },
        onError: (error) => {
          if (httpStatusOf(error) !== 400) outcome.failed(`Could not rerun ${jobId}`)(error);
        },
      },
    );
  };

  return (
    <ConfirmDialog
      title={`Rerun from ${step.activity}?`}
      confirmLabel="Rerun from here"
      busyLabel="Resetting…"
      busy={rerun.isPending}
      onConfirm={confirm}
      onClose={onClose}
      error={rerun.error && httpStatusOf(rerun.error) === 400 && !fieldError ? rerun.error : null}
      testId="rerun-step-dialog"
    >
      <p data-testid="dialog-effect">
        <DialogJobId id={jobId} /> runs again from just before <code>{step.activity}</code> (step {step.eventId} of its
        history): the steps before it keep their results and are not done again; this step and the ones after it run
        anew. The job stays the same job, with a new run.
      </p>
      <RequiredReasonField
        {...field}
        formId={id}
        placeholder="e.g. upstream fixed, deliver again"
        testId="rerun-step-reason"
      />
    </ConfirmDialog>
  );
}
