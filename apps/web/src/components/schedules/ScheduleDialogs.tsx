import { useState } from 'react';
import { trpc } from '../../trpc';
import { MutationDialog } from '../dialog/MutationDialog';

interface ScheduleDialogProps {
  id: string;
  onClose: () => void;
}

function useInvalidateSchedules() {
  const utils = trpc.useUtils();
  return () => void utils.schedules.invalidate();
}

export function PauseScheduleDialog({ id, onClose }: ScheduleDialogProps) {
  const pause = trpc.schedules.pause.useMutation({ onSuccess: useInvalidateSchedules() });
  const [note, setNote] = useState('');
  return (
    <MutationDialog
      mutation={pause}
      input={{ id, note: note.trim() || undefined }}
      succeeded={() => ({ title: `Paused schedule ${id}` })}
      failedTitle={`Could not pause ${id}`}
      title={
        <>
          Pause schedule <code>{id}</code>?
        </>
      }
      confirmLabel="Pause schedule"
      busyLabel="Pausing…"
      onClose={onClose}
      testId="schedule-pause-dialog"
    >
      <p data-testid="dialog-effect">It starts no run until it is resumed; runs already started go on.</p>
      <label className="field">
        <span>
          Note <span className="muted">(optional: why, until when)</span>
        </span>
        <input
          type="text"
          value={note}
          onChange={(event) => setNote(event.target.value)}
          maxLength={300}
          data-testid="schedule-pause-note"
          data-autofocus
        />
      </label>
    </MutationDialog>
  );
}

export function DeleteScheduleDialog({ id, onDeleted, onClose }: ScheduleDialogProps & { onDeleted?: () => void }) {
  const remove = trpc.schedules.delete.useMutation({ onSuccess: useInvalidateSchedules() });
  return (
    <MutationDialog
      mutation={remove}
      input={{ id }}
      succeeded={() => ({ title: `Deleted schedule ${id}` })}
      failedTitle={`Could not delete ${id}`}
      onDone={onDeleted}
      title={
        <>
          Delete schedule <code>{id}</code>?
        </>
      }
      confirmLabel="Delete schedule"
      busyLabel="Deleting…"
      tone="danger"
      onClose={onClose}
      testId="schedule-delete-dialog"
    >
      <p data-testid="dialog-effect">Temporal stops firing it and forgets it. Jobs it started stay.</p>
    </MutationDialog>
  );
}
