import { useId, useState } from 'react';
import { cli, reasons } from '../lib/cli';
import { messageOf } from '../lib/errors';
import { dateTime } from '../lib/format';
import { usePermissions } from '../lib/permissions';
import { stateLabel } from '../lib/states';
import { trpc, type RouterOutputs } from '../trpc';
import { ConfirmDialog } from './ConfirmDialog';
import { StatusBadge } from './StateBadge';
import { useToast } from './Toasts';

export type QueueStatus = RouterOutputs['queues']['list'][number];

/** Every queue's paused state, from Temporal; shared by every place that names a queue. */
export function useQueueStatuses() {
  const list = trpc.queues.list.useQuery(undefined, { staleTime: 10_000, refetchInterval: 15_000 });
  const byName = new Map((list.data ?? []).map((queue) => [queue.name, queue]));
  return { byName, query: list };
}

export function useQueueStatus(queue: string): QueueStatus | undefined {
  return useQueueStatuses().byName.get(queue);
}

/** "paused", with who and why on hover; nothing when the queue runs. */
export function QueuePausedBadge({ queue, testId = 'queue-paused' }: { queue: string; testId?: string }) {
  const status = useQueueStatus(queue);
  if (!status?.paused) return null;
  return (
    <StatusBadge tone="warn" testId={testId} title={status.reason ?? 'paused'}>
      paused
    </StatusBadge>
  );
}

/** A queue's name with its paused badge, as the jobs table and the job page show it. */
export function QueueName({ queue }: { queue: string }) {
  return (
    <span className="queue-name">
      <span>{queue}</span>
      <QueuePausedBadge queue={queue} />
    </span>
  );
}

function useInvalidateQueues() {
  const utils = trpc.useUtils();
  return () => {
    void utils.queues.list.invalidate();
    void utils.system.health.invalidate();
    void utils.jobs.stats.invalidate();
    void utils.jobs.list.invalidate();
  };
}

type QueueAction = 'pause' | 'resume' | 'drain' | 'clean';

/** On a queue's card: "paused", by whom, why and since when; nothing while it runs. */
export function QueueStatusLine({ queue }: { queue: string }) {
  const { byName, query } = useQueueStatuses();
  const status = byName.get(queue);
  if (query.error && !query.data)
    return <p className="muted small">paused or not: unknown ({messageOf(query.error)})</p>;
  if (!status?.paused) return null;
  return (
    <p className="queue-paused-note" role="status">
      <StatusBadge tone="warn" testId="queue-paused">
        paused
      </StatusBadge>
      <span className="small" data-testid="queue-paused-reason">
        {status.reason ?? 'no reason recorded'}
        {status.changedAt && <span className="muted"> · since {dateTime(status.changedAt)}</span>}
      </span>
    </p>
  );
}

/** For operators, Pause/Resume; for admins, Drain and Clean too. Each asks first. */
export function QueueControls({ queue }: { queue: string }) {
  const { canOperate, isAdmin, me } = usePermissions();
  const { byName } = useQueueStatuses();
  const status = byName.get(queue);
  const [open, setOpen] = useState<QueueAction | null>(null);
  const paused = status?.paused ?? false;
  if (!canOperate) return null;

  return (
    <div
      className="queue-controls"
      data-testid="queue-controls"
      data-queue={queue}
      data-paused={paused ? 'true' : 'false'}
    >
      {canOperate && (
        <div className="queue-buttons">
          {paused ? (
            <button
              type="button"
              className="button button-small"
              onClick={() => setOpen('resume')}
              data-testid="queue-resume"
            >
              Resume
            </button>
          ) : (
            <button
              type="button"
              className="button button-small"
              onClick={() => setOpen('pause')}
              disabled={!status}
              data-testid="queue-pause"
            >
              Pause…
            </button>
          )}
          {isAdmin && (
            <>
              <button
                type="button"
                className="button button-small"
                onClick={() => setOpen('drain')}
                data-testid="queue-drain"
              >
                Drain…
              </button>
              <button
                type="button"
                className="button button-small"
                onClick={() => setOpen('clean')}
                data-testid="queue-clean"
              >
                Clean…
              </button>
            </>
          )}
        </div>
      )}
      {open === 'pause' && <PauseDialog queue={queue} actor={me?.name} onClose={() => setOpen(null)} />}
      {open === 'resume' && <ResumeDialog queue={queue} status={status} onClose={() => setOpen(null)} />}
      {open === 'drain' && <DrainDialog queue={queue} onClose={() => setOpen(null)} />}
      {open === 'clean' && <CleanDialog queue={queue} onClose={() => setOpen(null)} />}
    </div>
  );
}

function PauseDialog({ queue, actor, onClose }: { queue: string; actor: string | undefined; onClose: () => void }) {
  const toast = useToast();
  const invalidate = useInvalidateQueues();
  const pause = trpc.queues.pause.useMutation();
  const [note, setNote] = useState('');
  const confirm = () =>
    pause.mutate(
      { queue, note: note.trim() || undefined },
      {
        onSuccess: (result) => {
          invalidate();
          toast.push({ tone: 'ok', title: `Paused queue ${queue}`, body: result.reason, cli: result.cli });
          onClose();
        },
        onError: (error) => {
          toast.push({ tone: 'error', title: `Could not pause ${queue}`, body: messageOf(error) });
          onClose();
        },
      },
    );
  return (
    <ConfirmDialog
      title={
        <>
          Pause queue <code>{queue}</code>?
        </>
      }
      confirmLabel="Pause queue"
      busyLabel="Pausing…"
      tone="danger"
      busy={pause.isPending}
      onConfirm={confirm}
      onClose={onClose}
      cli={cli.pause(queue, reasons.pause(actor, note))}
      testId="pause-dialog"
    >
      <p data-testid="dialog-effect">
        No job of <code>{queue}</code> starts an activity until the queue is resumed. Running activities finish their
        current step; new jobs are still accepted and wait. The pause is a rate limit of zero set in Temporal itself, so
        it survives restarts.
      </p>
      <label className="field">
        <span>
          Note <span className="muted">(optional, recorded with the pause)</span>
        </span>
        <input
          type="text"
          value={note}
          onChange={(event) => setNote(event.target.value)}
          maxLength={300}
          placeholder="e.g. reporting database maintenance until 14:00"
          data-testid="pause-note"
          data-autofocus
        />
      </label>
    </ConfirmDialog>
  );
}

function ResumeDialog({
  queue,
  status,
  onClose,
}: {
  queue: string;
  status: QueueStatus | undefined;
  onClose: () => void;
}) {
  const toast = useToast();
  const invalidate = useInvalidateQueues();
  const resume = trpc.queues.resume.useMutation();
  const confirm = () =>
    resume.mutate(
      { queue },
      {
        onSuccess: (result) => {
          invalidate();
          toast.push({
            tone: 'ok',
            title: `Resumed queue ${queue}`,
            body: 'Waiting jobs start again.',
            cli: result.cli,
          });
          onClose();
        },
        onError: (error) => {
          toast.push({ tone: 'error', title: `Could not resume ${queue}`, body: messageOf(error) });
          onClose();
        },
      },
    );
  return (
    <ConfirmDialog
      title={
        <>
          Resume queue <code>{queue}</code>?
        </>
      }
      confirmLabel="Resume queue"
      busyLabel="Resuming…"
      busy={resume.isPending}
      onConfirm={confirm}
      onClose={onClose}
      cli={cli.resume(queue)}
      testId="resume-dialog"
    >
      <p data-testid="dialog-effect">
        Jobs of <code>{queue}</code> that were held back start again, as workers pick them up.
        {status?.reason && <> It was {status.reason}.</>}
      </p>
    </ConfirmDialog>
  );
}

function Sample({ ids, count }: { ids: string[]; count: number }) {
  if (!ids.length) return null;
  return (
    <details className="sample">
      <summary>
        {ids.length < count ? `the first ${ids.length} of ${count}` : `the ${count} job${count === 1 ? '' : 's'}`}
      </summary>
      <ul className="sample-list mono" data-testid="dialog-sample">
        {ids.map((id) => (
          <li key={id}>{id}</li>
        ))}
      </ul>
    </details>
  );
}

function DrainDialog({ queue, onClose }: { queue: string; onClose: () => void }) {
  const toast = useToast();
  const invalidate = useInvalidateQueues();
  const preview = trpc.queues.drainPreview.useQuery({ queue }, { staleTime: 0, gcTime: 0 });
  const drain = trpc.queues.drain.useMutation();
  const count = preview.data?.count ?? 0;
  const confirm = () =>
    drain.mutate(
      { queue },
      {
        onSuccess: (result) => {
          invalidate();
          toast.push({
            tone: result.failed ? 'error' : 'ok',
            title: `Drained queue ${queue}`,
            body: `${result.cancelled} of ${result.total} cancelled${result.skipped ? `, ${result.skipped} skipped (already started or finished)` : ''}${result.failed ? `, ${result.failed} failed` : ''}.`,
            durationMs: 10_000,
          });
          onClose();
        },
        onError: (error) => {
          toast.push({ tone: 'error', title: `Could not drain ${queue}`, body: messageOf(error) });
          onClose();
        },
      },
    );
  return (
    <ConfirmDialog
      title={
        <>
          Drain queue <code>{queue}</code>?
        </>
      }
      confirmLabel={preview.data ? `Cancel ${count} job${count === 1 ? '' : 's'}` : 'Drain'}
      busyLabel="Draining…"
      tone="danger"
      busy={drain.isPending}
      confirmDisabled={!preview.data || count === 0}
      onConfirm={confirm}
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
          <Sample ids={preview.data.sample} count={count} />
        </>
      )}
    </ConfirmDialog>
  );
}

const FINAL_STATES = ['completed', 'failed', 'cancelled', 'terminated', 'timed_out'] as const;
type FinalState = (typeof FINAL_STATES)[number];

function CleanDialog({ queue, onClose }: { queue: string; onClose: () => void }) {
  const id = useId();
  const toast = useToast();
  const invalidate = useInvalidateQueues();
  const [hours, setHours] = useState('168');
  const [states, setStates] = useState<FinalState[]>([...FINAL_STATES]);
  const olderThanHours = Number(hours);
  const valid =
    Number.isInteger(olderThanHours) && olderThanHours >= 1 && olderThanHours <= 24 * 3650 && states.length > 0;
  const input = { queue, olderThanHours, states };
  const preview = trpc.queues.cleanPreview.useQuery(input, {
    enabled: valid,
    staleTime: 0,
    gcTime: 0,
    placeholderData: (previous) => previous,
  });
  const clean = trpc.queues.clean.useMutation();
  const count = preview.data?.count ?? 0;

  const toggle = (state: FinalState) =>
    setStates((list) => (list.includes(state) ? list.filter((item) => item !== state) : [...list, state]));
  const confirm = () =>
    clean.mutate(input, {
      onSuccess: (result) => {
        invalidate();
        toast.push({
          tone: 'ok',
          title: `Cleaned queue ${queue}`,
          body: `${result.deleted} job record${result.deleted === 1 ? '' : 's'} deleted, with their logs.`,
        });
        onClose();
      },
      onError: (error) => {
        toast.push({ tone: 'error', title: `Could not clean ${queue}`, body: messageOf(error) });
        onClose();
      },
    });

  return (
    <ConfirmDialog
      title={
        <>
          Clean queue <code>{queue}</code>?
        </>
      }
      confirmLabel={preview.data && valid ? `Delete ${count} record${count === 1 ? '' : 's'}` : 'Delete'}
      busyLabel="Deleting…"
      tone="danger"
      busy={clean.isPending}
      confirmDisabled={!valid || !preview.data || preview.isPlaceholderData || count === 0}
      onConfirm={confirm}
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
    </ConfirmDialog>
  );
}

/** On the job page: a live job of a paused queue does not move until the queue is resumed. */
export function QueuePausedNotice({ queue, live }: { queue: string; live: boolean }) {
  const status = useQueueStatus(queue);
  if (!status?.paused || !live) return null;
  return (
    <p className="notice notice-inline" role="status" data-testid="job-queue-paused">
      Queue <code>{queue}</code> is paused ({status.reason ?? 'no reason recorded'}): no activity of this job starts
      until it is resumed.
    </p>
  );
}
