import type { Priority } from '@jobdeck/workflows/vocabulary';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { usePermissions } from '../../lib/permissions';
import { trpc, type JobDetail } from '../../trpc';
import { Dialog } from '../dialog/Dialog';
import { EnqueueForm } from '../EnqueueForm';
import { ErrorBox } from '../ErrorBox';
import { Loading } from '../Loading';
import { useToast } from '../toasts/Toasts';

/** "Start like this…", for an operator: the enqueue form prefilled with this job's type and input. */
export function StartLikeButton({ job }: { job: JobDetail }) {
  const { canOperate } = usePermissions();
  const [open, setOpen] = useState(false);
  const types = trpc.jobs.types.useQuery(undefined, { staleTime: 10 * 60_000, enabled: open });
  const navigate = useNavigate();
  const toast = useToast();
  if (!canOperate) return null;

  const started = (id: string) => {
    toast.push({ tone: 'ok', title: `Started ${id}`, body: `like ${job.id}` });
    setOpen(false);
    navigate(`/jobs/${encodeURIComponent(id)}`);
  };
  return (
    <>
      <button type="button" className="button" onClick={() => setOpen(true)} data-testid="action-start-like">
        Start like this…
      </button>
      {open && (
        <Dialog title={`Start a job like ${job.id}`} onClose={() => setOpen(false)} testId="start-like-dialog" wide>
          {types.error ? (
            <ErrorBox error={types.error} title="Could not load the job types" onRetry={() => void types.refetch()} />
          ) : types.data ? (
            <EnqueueForm
              types={types.data}
              copyOf={{ id: job.id, type: job.type, input: job.input, priority: job.priority as Priority }}
              onStarted={started}
            />
          ) : (
            <Loading rows={3} />
          )}
        </Dialog>
      )}
    </>
  );
}
