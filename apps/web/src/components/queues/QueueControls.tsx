import { useState } from 'react';
import { usePermissions } from '../../lib/permissions';
import { CleanQueueDialog } from './CleanQueueDialog';
import { DrainQueueDialog } from './DrainQueueDialog';
import { PauseQueueDialog } from './PauseQueueDialog';
import { ResumeQueueDialog } from './ResumeQueueDialog';
import { useQueueStatuses } from './useQueueStatuses';
import './Queues.css';

type QueueAction = 'pause' | 'resume' | 'drain' | 'clean';

/** For operators, Pause/Resume; for admins, Drain and Clean too. Each asks first. */
export function QueueControls({ queue }: { queue: string }) {
  const { canOperate, isAdmin, me } = usePermissions();
  const status = useQueueStatuses().byName.get(queue);
  const [open, setOpen] = useState<QueueAction | null>(null);
  const paused = status?.paused ?? false;
  if (!canOperate) return null;
  const close = () => setOpen(null);
  const button = (action: QueueAction, label: string, disabled = false) => (
    <button
      type="button"
      className="button button-small"
      onClick={() => setOpen(action)}
      disabled={disabled}
      data-testid={`queue-${action}`}
    >
      {label}
    </button>
  );

  return (
    <div
      className="queue-controls"
      data-testid="queue-controls"
      data-queue={queue}
      data-paused={paused ? 'true' : 'false'}
    >
      <div className="queue-buttons">
        {paused ? button('resume', 'Resume') : button('pause', 'Pause…', !status)}
        {isAdmin && (
          <>
            {button('drain', 'Drain…')}
            {button('clean', 'Clean…')}
          </>
        )}
      </div>
      {open === 'pause' && <PauseQueueDialog queue={queue} actor={me?.name} onClose={close} />}
      {open === 'resume' && <ResumeQueueDialog queue={queue} status={status} onClose={close} />}
      {open === 'drain' && <DrainQueueDialog queue={queue} onClose={close} />}
      {open === 'clean' && <CleanQueueDialog queue={queue} onClose={close} />}
    </div>
  );
}
