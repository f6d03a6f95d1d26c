import { useState } from 'react';
import { cli, reasons } from '../../lib/cli';
import { trpc } from '../../trpc';
import { ActionQuestion } from '../dialog/ConfirmDialog';
import { MutationDialog } from '../dialog/MutationDialog';
import { NoteField, noteInput } from '../dialog/NoteField';
import { useInvalidateQueues } from './useQueueStatuses';

export function PauseQueueDialog({
  queue,
  actor,
  onClose,
}: {
  queue: string;
  actor: string | undefined;
  onClose: () => void;
}) {
  const pause = trpc.queues.pause.useMutation({ onSuccess: useInvalidateQueues() });
  const [note, setNote] = useState('');
  return (
    <MutationDialog
      mutation={pause}
      input={{ queue, note: noteInput(note) }}
      succeeded={(result) => ({ title: `Paused queue ${queue}`, body: result.reason, cli: result.cli })}
      failedTitle={`Could not pause ${queue}`}
      title={<ActionQuestion action="Pause queue" subject={queue} />}
      confirmLabel="Pause queue"
      busyLabel="Pausing…"
      tone="danger"
      onClose={onClose}
      cli={cli.pause(queue, reasons.pause(actor, note))}
      testId="pause-dialog"
    >
      <p data-testid="dialog-effect">
        No job of <code>{queue}</code> starts an activity until the queue is resumed. Running activities finish their
        current step; new jobs are still accepted and wait. The pause is a rate limit of zero set in Temporal itself, so
        it survives restarts.
      </p>
      <NoteField
        value={note}
        onChange={setNote}
        hint="optional, recorded with the pause"
        placeholder="e.g. reporting database maintenance until 14:00"
        testId="pause-note"
      />
    </MutationDialog>
  );
}
