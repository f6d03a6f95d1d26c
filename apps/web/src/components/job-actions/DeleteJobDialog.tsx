import { useState } from 'react';
import { useNavigate } from 'react-router';
import { trpc } from '../../trpc';
import { MutationDialog } from '../dialog/MutationDialog';
import { NoteField, noteInput } from '../dialog/NoteField';
import { DialogJobId, type JobDialogProps } from './action-job';
import { useInvalidateJobs } from './useInvalidateJobs';

/** Deleting a finished job for good (admins): its record, logs and Temporal execution; the audit log keeps who and why. */
export function DeleteJobDialog({ job, onClose }: JobDialogProps) {
  const navigate = useNavigate();
  const invalidate = useInvalidateJobs();
  const [reason, setReason] = useState('');
  const remove = trpc.jobs.delete.useMutation({ onSuccess: () => invalidate() });
  return (
    <MutationDialog
      mutation={remove}
      input={{ id: job.id, reason: noteInput(reason) }}
      succeeded={() => ({ title: `Deleted ${job.id}` })}
      failedTitle={`Could not delete ${job.id}`}
      onDone={() => void navigate('/jobs', { replace: true })}
      title="Delete this job?"
      confirmLabel="Delete job"
      busyLabel="Deleting…"
      dismissLabel="Keep it"
      tone="danger"
      onClose={onClose}
      testId="delete-job-dialog"
    >
      <p data-testid="dialog-effect">
        Delete <DialogJobId id={job.id} /> for good? Its record, input, result and logs go, and so does its run in
        Temporal; searches, exports and the dashboard no longer find it. This cannot be undone.
      </p>
      <NoteField
        value={reason}
        onChange={setReason}
        hint="optional: why, kept in the audit log"
        placeholder="e.g. holds a customer's data by mistake"
        testId="delete-reason"
      />
    </MutationDialog>
  );
}
