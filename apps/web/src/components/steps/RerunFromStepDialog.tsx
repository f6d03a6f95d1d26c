import { useId, useState } from 'react';
import { httpStatusOf, issuesOf } from '../../lib/errors';
import { trpc } from '../../trpc';
import { ConfirmDialog } from '../dialog/ConfirmDialog';
import { useDialogOutcome } from '../dialog/useDialogOutcome';
import { DialogJobId } from '../job-actions/action-job';
import { useInvalidateJobs } from '../job-actions/useInvalidateJobs';
import { TextField } from '../TextField';

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
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  const missing = reason.trim().length === 0;
  const fieldError =
    issuesOf(rerun.error).find((issue) => issue.path[0] === 'reason')?.message ??
    (touched && missing ? 'say why: the reason is recorded on the job and in the audit log' : null);

  const confirm = () => {
    setTouched(true);
    if (missing) return;
    rerun.mutate(
      { id: jobId, eventId: step.eventId, reason: reason.trim() },
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
        placeholder="e.g. upstream fixed, deliver again"
        data-testid="rerun-step-reason"
        data-autofocus
      />
    </ConfirmDialog>
  );
}
