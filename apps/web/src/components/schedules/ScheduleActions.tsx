import { useState } from 'react';
import { messageOf } from '../../lib/errors';
import { trpc } from '../../trpc';
import { DeleteScheduleDialog, PauseScheduleDialog } from './ScheduleDialogs';
import './ScheduleActions.css';

/** Pause (with a note) / resume, trigger now, delete (confirmed): the same buttons in the list and on the page. */
export function ScheduleActions({
  id,
  paused,
  onDeleted,
  compact = false,
}: {
  id: string;
  paused: boolean;
  onDeleted?: () => void;
  compact?: boolean;
}) {
  const utils = trpc.useUtils();
  const done = () => void utils.schedules.invalidate();
  const resume = trpc.schedules.resume.useMutation({ onSuccess: done });
  const trigger = trpc.schedules.trigger.useMutation({ onSuccess: () => setTimeout(done, 1_000) });
  const [open, setOpen] = useState<'pause' | 'delete' | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const size = compact ? ' button-small' : '';
  const fail = (error: unknown) => setMessage(messageOf(error));
  const close = () => setOpen(null);

  return (
    <div className="schedule-actions" data-testid="schedule-actions">
      {paused ? (
        <button
          type="button"
          className={`button${size}`}
          disabled={resume.isPending}
          onClick={() => resume.mutate({ id }, { onError: fail })}
          data-testid="schedule-resume"
        >
          Resume
        </button>
      ) : (
        <button type="button" className={`button${size}`} onClick={() => setOpen('pause')} data-testid="schedule-pause">
          Pause…
        </button>
      )}
      <button
        type="button"
        className={`button${size}`}
        disabled={trigger.isPending}
        onClick={() => trigger.mutate({ id }, { onSuccess: () => setMessage('triggered'), onError: fail })}
        data-testid="schedule-trigger"
      >
        {trigger.isPending ? 'Triggering…' : 'Trigger now'}
      </button>
      <button
        type="button"
        className={`button button-danger${size}`}
        onClick={() => setOpen('delete')}
        data-testid="schedule-delete"
      >
        Delete…
      </button>
      {message && (
        <span className="muted small" role="status" data-testid="schedule-action-status">
          {message}
        </span>
      )}
      {open === 'pause' && <PauseScheduleDialog id={id} onClose={close} />}
      {open === 'delete' && <DeleteScheduleDialog id={id} onDeleted={onDeleted} onClose={close} />}
    </div>
  );
}
