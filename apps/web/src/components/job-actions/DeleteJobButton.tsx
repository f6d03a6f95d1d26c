import { useState } from 'react';
import { usePermissions } from '../../lib/permissions';
import { isLive } from '../../lib/states';
import type { ActionJob } from './action-job';
import { DeleteJobDialog } from './DeleteJobDialog';

/** "Delete…" on a finished job's page, for admins only; a waiting or running job is cancelled first. */
export function DeleteJobButton({ job }: { job: ActionJob }) {
  const { isAdmin } = usePermissions();
  const [open, setOpen] = useState(false);
  if (!isAdmin || isLive(job.state)) return null;
  return (
    <>
      <button
        type="button"
        className="button button-danger-outline"
        onClick={() => setOpen(true)}
        data-testid="action-delete"
      >
        Delete…
      </button>
      {open && <DeleteJobDialog job={job} onClose={() => setOpen(false)} />}
    </>
  );
}
