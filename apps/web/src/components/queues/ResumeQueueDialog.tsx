import { cli } from '../../lib/cli';
import { trpc } from '../../trpc';
import { ActionQuestion } from '../dialog/ConfirmDialog';
import { MutationDialog } from '../dialog/MutationDialog';
import { useInvalidateQueues, type QueueStatus } from './useQueueStatuses';

export function ResumeQueueDialog({
  queue,
  status,
  onClose,
}: {
  queue: string;
  status: QueueStatus | undefined;
  onClose: () => void;
}) {
  const resume = trpc.queues.resume.useMutation({ onSuccess: useInvalidateQueues() });
  return (
    <MutationDialog
      mutation={resume}
      input={{ queue }}
      succeeded={(result) => ({ title: `Resumed queue ${queue}`, body: 'Waiting jobs start again.', cli: result.cli })}
      failedTitle={`Could not resume ${queue}`}
      title={<ActionQuestion action="Resume queue" subject={queue} />}
      confirmLabel="Resume queue"
      busyLabel="Resuming…"
      onClose={onClose}
      cli={cli.resume(queue)}
      testId="resume-dialog"
    >
      <p data-testid="dialog-effect">
        Jobs of <code>{queue}</code> that were held back start again, as workers pick them up.
        {status?.reason && <> It was {status.reason}.</>}
      </p>
    </MutationDialog>
  );
}
