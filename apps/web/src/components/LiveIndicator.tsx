import { useLive } from '../live';
import './LiveIndicator.css';

/**
 * Says whether the page is pushed by the server or refreshes itself. "polling — live events
 * unavailable" as soon as the API reports its event bus (Redis) away, or its stream goes silent.
 */
export function LiveIndicator() {
  const { mode, reason } = useLive();
  const text = mode === 'live' ? 'live' : mode === 'connecting' ? 'connecting' : 'polling — live events unavailable';
  return (
    <span
      className={`live-indicator live-${mode}`}
      data-testid="live-indicator"
      data-mode={mode}
      role="status"
      title={
        mode === 'live' ? 'updates are pushed by the server' : (reason ?? 'the dashboard refreshes every few seconds')
      }
    >
      <span className="badge-dot" aria-hidden="true" />
      {text}
    </span>
  );
}
