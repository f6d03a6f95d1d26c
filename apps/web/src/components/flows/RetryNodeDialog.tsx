import { useState } from 'react';
import { useFlowChanged } from '../../lib/useFlow';
import { trpc } from '../../trpc';
import { MutationDialog } from '../dialog/MutationDialog';
import { NoteField, noteInput } from '../dialog/NoteField';

/** Retries a failed node: its failed jobs run again (a fan-out's completed items are kept), then the flow goes on. */
export function RetryNodeDialog({ flowId, node, onClose }: { flowId: string; node: string; onClose: () => void }) {
  const retry = trpc.flows.retryNode.useMutation({ onSuccess: useFlowChanged(flowId) });
  const [reason, setReason] = useState('');
  return (
    <MutationDialog
      mutation={retry}
      input={{ id: flowId, node, reason: noteInput(reason) }}
      succeeded={(result) => ({
        title: `Retrying node ${result.node}`,
        body: `new job${result.jobIds.length === 1 ? '' : 's'}: ${result.jobIds.join(', ')}`,
      })}
      failedTitle={`Could not retry node ${node}`}
      title={`Retry node ${node}?`}
      confirmLabel="Retry node"
      busyLabel="Retrying…"
      onClose={onClose}
      testId="retry-node-dialog"
    >
      <p data-testid="dialog-effect">
        The node&apos;s failed jobs run again (for a fan-out, only the items that did not complete); completed nodes are
        not rerun. Once it completes, the nodes waiting on it start.
      </p>
      <NoteField
        value={reason}
        onChange={setReason}
        hint="optional, at least 3 characters, recorded in the audit log"
        placeholder="e.g. receiver fixed"
        testId="retry-node-reason"
      />
    </MutationDialog>
  );
}
