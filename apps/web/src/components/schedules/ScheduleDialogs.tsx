import { useState } from 'react';
import { trpc } from '../../trpc';
import { ActionQuestion } from '../dialog/ConfirmDialog';
import { MutationDialog } from '../dialog/MutationDialog';
import { NoteField, noteInput } from '../dialog/NoteField';

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
      input={{ id, note: noteInput(note) }}
      succeeded={() => ({ title: `Paused schedule ${id}` })}
      failedTitle={`Could not pause ${id}`}
      title={<ActionQuestion action="Pause schedule" subject={id} />}
      confirmLabel="Pause schedule"
      busyLabel="Pausing…"
      onClose={onClose}
      testId="schedule-pause-dialog"
    >
      <p data-testid="dialog-effect">It starts no run until it is resumed; runs already started go on.</p>
      <NoteField value={note} onChange={setNote} hint="optional: why, until when" testId="schedule-pause-note" />
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
      title={<ActionQuestion action="Delete schedule" subject={id} />}
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
