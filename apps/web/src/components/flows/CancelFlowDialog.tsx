import { useState } from 'react';
import { cli } from '../../lib/cli';
import { useFlowChanged } from '../../lib/useFlow';
import { trpc } from '../../trpc';
import { MutationDialog } from '../dialog/MutationDialog';
import { NoteField, noteInput } from '../dialog/NoteField';
import { DialogJobId } from '../job-actions/action-job';

/** Cancels the flow's workflow: its running nodes are cancelled, pending ones never start. */
export function CancelFlowDialog({ flowId, onClose }: { flowId: string; onClose: () => void }) {
  const cancel = trpc.flows.cancel.useMutation({ onSuccess: useFlowChanged(flowId) });
  const [reason, setReason] = useState('');
  return (
    <MutationDialog
      mutation={cancel}
      input={{ id: flowId, reason: noteInput(reason) }}
      succeeded={(result) => ({
        title: `Cancelling flow ${flowId}`,
        body: 'Its running jobs end as cancelled once they have cleaned up; pending nodes never start.',
        cli: result.cli,
      })}
      failedTitle={`Could not cancel flow ${flowId}`}
      title="Cancel this flow?"
      confirmLabel="Cancel flow"
      busyLabel="Cancelling…"
      dismissLabel="Keep it"
      tone="danger"
      onClose={onClose}
      cli={cli.cancel(flowId)}
      testId="cancel-flow-dialog"
    >
      <p data-testid="dialog-effect">
        Cancel <DialogJobId id={flowId} />? Its running jobs are cancelled (each cleans up at its next heartbeat) and
        the nodes not started yet never start. Completed jobs stay as they are.
      </p>
      <NoteField
        value={reason}
        onChange={setReason}
        hint="optional, at least 3 characters, recorded in the audit log"
        testId="cancel-flow-reason"
      />
    </MutationDialog>
  );
}
