import { useId, useState } from 'react';
import { ConfirmDialog } from '../dialog/ConfirmDialog';
import { FormFields, TextField } from '../TextField';

const ACTIVITY = /^[A-Za-z_$][\w$]{0,99}$/;

/**
 * Before a bulk rerun from a step: which activity each job reruns from (its last step of it, as the
 * job page's Steps panel names them) and why; then the bulk dialog counts the jobs.
 */
export function BulkRerunSetup({
  onContinue,
  onClose,
}: {
  onContinue: (step: { activity: string }, reason: string) => void;
  onClose: () => void;
}) {
  const id = useId();
  const [activity, setActivity] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Partial<Record<'activity' | 'reason', string[]>>>({});
  const next = () => {
    const found: typeof errors = {};
    if (!ACTIVITY.test(activity.trim())) found.activity = ['an activity name, such as deliverReport'];
    if (!reason.trim()) found.reason = ['say why: the reason is recorded on each job'];
    setErrors(found);
    if (!Object.keys(found).length) onContinue({ activity: activity.trim() }, reason.trim());
  };
  return (
    <ConfirmDialog
      title="Rerun jobs from a step"
      confirmLabel="Continue"
      onConfirm={next}
      onClose={onClose}
      testId="bulk-rerun-setup"
    >
      <FormFields formId={id} errors={errors}>
        <p>Each job runs again from just before its last step of this activity; the steps before it are kept.</p>
        <TextField
          label="Activity"
          field="activity"
          type="text"
          value={activity}
          onChange={(event) => setActivity(event.target.value)}
          placeholder="e.g. deliverReport"
          data-testid="bulk-rerun-activity"
          data-autofocus
        />
        <TextField
          label="Reason (required)"
          field="reason"
          type="text"
          value={reason}
          maxLength={500}
          onChange={(event) => setReason(event.target.value)}
          data-testid="bulk-rerun-reason"
        />
      </FormFields>
    </ConfirmDialog>
  );
}
