import { useId, useState } from 'react';
import { plural } from '../../lib/format';
import { FINAL_STATES, stateLabel, type FinalJobState } from '../../lib/states';
import { trpc } from '../../trpc';
import { ActionQuestion } from '../dialog/ConfirmDialog';
import { MutationDialog } from '../dialog/MutationDialog';
import { useInvalidateQueues } from './useQueueStatuses';

const MAX_HOURS = 24 * 3650;

export function CleanQueueDialog({ queue, onClose }: { queue: string; onClose: () => void }) {
  const id = useId();
  const [hours, setHours] = useState('168');
  const [states, setStates] = useState<FinalJobState[]>([...FINAL_STATES]);
  const olderThanHours = Number(hours);
  const valid =
    Number.isInteger(olderThanHours) && olderThanHours >= 1 && olderThanHours <= MAX_HOURS && states.length > 0;
  const input = { queue, olderThanHours, states };
  const preview = trpc.queues.cleanPreview.useQuery(input, {
    enabled: valid,
    staleTime: 0,
    gcTime: 0,
    placeholderData: (previous) => previous,
  });
  const clean = trpc.queues.clean.useMutation({ onSuccess: useInvalidateQueues() });
  const count = preview.data?.count ?? 0;

  const toggle = (state: FinalJobState) =>
    setStates((list) => (list.includes(state) ? list.filter((item) => item !== state) : [...list, state]));
  return (
    <MutationDialog
      mutation={clean}
      input={input}
      succeeded={(result) => ({
        title: `Cleaned queue ${queue}`,
        body: `${plural(result.deleted, 'job record')} deleted, with their logs.`,
      })}
      failedTitle={`Could not clean ${queue}`}
      title={<ActionQuestion action="Clean queue" subject={queue} />}
      confirmLabel={preview.data && valid ? `Delete ${plural(count, 'record')}` : 'Delete'}
      busyLabel="Deleting…"
      tone="danger"
      confirmDisabled={!valid || !preview.data || preview.isPlaceholderData || count === 0}
      onClose={onClose}
      error={preview.error}
      testId="clean-dialog"
    >
      <p>
        Deletes Jobdeck’s records (and logs) of finished jobs of <code>{queue}</code>. Temporal’s own history is kept
        until its retention ends.
      </p>
      <label className="field">
        <span>Finished more than … hours ago</span>
        <input
          type="number"
          min={1}
          step={1}
          value={hours}
          onChange={(event) => setHours(event.target.value)}
          aria-invalid={!valid && states.length > 0}
          aria-describedby={`${id}-hours-hint`}
          data-testid="clean-hours"
          data-autofocus
        />
        <span className="field-note muted small" id={`${id}-hours-hint`}>
          168 hours is a week; at least 1.
        </span>
      </label>
      <fieldset className="fieldset">
        <legend>States</legend>
        <div className="checkbox-row">
          {FINAL_STATES.map((state) => (
            <label key={state} className="checkbox">
              <input
                type="checkbox"
                checked={states.includes(state)}
                onChange={() => toggle(state)}
                data-testid={`clean-state-${state}`}
              />
              <span>{stateLabel(state)}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <p data-testid="dialog-effect" aria-live="polite">
        {!valid ? (
          <span className="muted">Choose an age of at least one hour and at least one state.</span>
        ) : preview.data ? (
          <>
            This deletes <strong data-testid="dialog-count">{count}</strong> record{count === 1 ? '' : 's'}.
          </>
        ) : (
          <span className="muted">Counting…</span>
        )}
      </p>
    </MutationDialog>
  );
}
