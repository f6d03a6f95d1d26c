import { useState } from 'react';
import { messageOf } from '../lib/errors';
import { trpc } from '../trpc';

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
  const pause = trpc.schedules.pause.useMutation({ onSuccess: done });
  const resume = trpc.schedules.resume.useMutation({ onSuccess: done });
  const trigger = trpc.schedules.trigger.useMutation({ onSuccess: () => setTimeout(done, 1_000) });
  const remove = trpc.schedules.delete.useMutation({ onSuccess: () => (done(), onDeleted?.()) });
  const [message, setMessage] = useState<string | null>(null);
  const size = compact ? ' button-small' : '';
  const fail = (error: unknown) => setMessage(messageOf(error));

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
        <button
          type="button"
          className={`button${size}`}
          disabled={pause.isPending}
          onClick={() => {
            const note = window.prompt('Pause this schedule. Note (why, until when):', '');
            if (note !== null) pause.mutate({ id, note: note || undefined }, { onError: fail });
          }}
          data-testid="schedule-pause"
        >
          Pause
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
        disabled={remove.isPending}
        onClick={() => {
          if (window.confirm(`Delete schedule ${id}? Jobs it started stay.`)) remove.mutate({ id }, { onError: fail });
        }}
        data-testid="schedule-delete"
      >
        Delete
      </button>
      {message && (
        <span className="muted small" role="status" data-testid="schedule-action-status">
          {message}
        </span>
      )}
    </div>
  );
}
