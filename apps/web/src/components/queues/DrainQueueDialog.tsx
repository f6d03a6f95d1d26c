import { plural } from '../../lib/format';
import { trpc } from '../../trpc';
import { ActionQuestion } from '../dialog/ConfirmDialog';
import { MutationDialog } from '../dialog/MutationDialog';
import { JobSample } from '../JobSample';
import { useInvalidateQueues } from './useQueueStatuses';

export function DrainQueueDialog({ queue, onClose }: { queue: string; onClose: () => void }) {
  const preview = trpc.queues.drainPreview.useQuery({ queue }, { staleTime: 0, gcTime: 0 });
  const drain = trpc.queues.drain.useMutation({ onSuccess: useInvalidateQueues() });
  const count = preview.data?.count ?? 0;
  return (
    <MutationDialog
      mutation={drain}
      input={{ queue }}
      succeeded={(result) => ({
        tone: result.failed ? 'error' : 'ok',
        title: `Drained queue ${queue}`,
        body: `${result.cancelled} of ${result.total} cancelled${result.skipped ? `, ${result.skipped} skipped (already started or finished)` : ''}${result.failed ? `, ${result.failed} failed` : ''}.`,
        durationMs: 10_000,
      })}
      failedTitle={`Could not drain ${queue}`}
      title={<ActionQuestion action="Drain queue" subject={queue} />}
      confirmLabel={preview.data ? `Cancel ${plural(count, 'job')}` : 'Drain'}
      busyLabel="Draining…"
      tone="danger"
      confirmDisabled={!preview.data || count === 0}
      onClose={onClose}
      error={preview.error}
      testId="drain-dialog"
    >
      {!preview.data && !preview.error && <p className="muted">Counting the jobs that have not started…</p>}
      {preview.data && (
        <>
          <p data-testid="dialog-effect">
            {count === 0 ? (
              <>
                Nothing to drain: no job of <code>{queue}</code> is waiting or delayed.
              </>
            ) : (
              <>
                This cancels <strong data-testid="dialog-count">{count}</strong> job{count === 1 ? '' : 's'} of{' '}
                <code>{queue}</code> that have not started (waiting or delayed). Running jobs are not touched.
              </>
            )}
          </p>
          <JobSample ids={preview.data.sample} count={count} />
        </>
      )}
    </MutationDialog>
  );
}
