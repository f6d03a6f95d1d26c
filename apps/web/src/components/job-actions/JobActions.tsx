import { useState } from 'react';
import { usePermissions } from '../../lib/permissions';
import { isLive, RETRYABLE_STATES } from '../../lib/states';
import { ActionMenu, type ActionMenuItem } from '../ActionMenu';
import type { ActionJob } from './action-job';
import { CancelDialog } from './CancelDialog';
import { RetryChangesDialog } from './RetryChangesDialog';
import { RetryDialog } from './RetryDialog';
import { TerminateDialog } from './TerminateDialog';
import './JobActions.css';

type Action = 'retry' | 'retryChanges' | 'cancel' | 'terminate';

const RETRY_ITEMS: Array<ActionMenuItem<Action>> = [
  { action: 'retry', label: 'Retry…', testId: 'action-retry' },
  { action: 'retryChanges', label: 'Retry with changes…', testId: 'action-retry-changes' },
];
const STOP_ITEMS: Array<ActionMenuItem<Action>> = [
  { action: 'cancel', label: 'Cancel…', testId: 'action-cancel' },
  { action: 'terminate', label: 'Terminate…', testId: 'action-terminate', danger: true },
];

/** Retry, Retry with changes, Cancel, Terminate: as the job's state allows, for operators and admins only. */
export function JobActions({ job, compact = false }: { job: ActionJob; compact?: boolean }) {
  const { canOperate, me } = usePermissions();
  const [open, setOpen] = useState<Action | null>(null);
  if (!canOperate) return null;

  const retryable = RETRYABLE_STATES.includes(job.state) && !job.retriedAsId;
  const live = isLive(job.state);
  if (!retryable && !live) return null;
  const close = () => setOpen(null);
  const dialogs = (
    <>
      {open === 'retry' && <RetryDialog job={job} onClose={close} />}
      {open === 'retryChanges' && <RetryChangesDialog job={job} onClose={close} />}
      {open === 'cancel' && <CancelDialog job={job} onClose={close} />}
      {open === 'terminate' && <TerminateDialog job={job} actor={me?.name} onClose={close} />}
    </>
  );

  // In a table row, one small button opens a menu: four buttons per row would not fit.
  if (compact) {
    return (
      <div className="job-actions job-actions-compact" data-testid="job-actions">
        <ActionMenu label={`Actions for ${job.id}`} items={retryable ? RETRY_ITEMS : STOP_ITEMS} onSelect={setOpen} />
        {dialogs}
      </div>
    );
  }

  const button = (action: Action, label: string, testId: string, extraClass = '') => (
    <button type="button" className={`button${extraClass}`} onClick={() => setOpen(action)} data-testid={testId}>
      {label}
    </button>
  );
  return (
    <div className="job-actions" data-testid="job-actions" role="group" aria-label={`Actions for ${job.id}`}>
      {retryable && (
        <>
          {button('retry', 'Retry', 'action-retry')}
          {button('retryChanges', 'Retry with changes…', 'action-retry-changes')}
        </>
      )}
      {live && (
        <>
          {button('cancel', 'Cancel', 'action-cancel')}
          {button('terminate', 'Terminate…', 'action-terminate', ' button-danger-outline')}
        </>
      )}
      {dialogs}
    </div>
  );
}
