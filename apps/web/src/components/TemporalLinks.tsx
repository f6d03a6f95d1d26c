import type { JobDetail } from '../trpc';
import { CopyButton } from './CopyButton';
import './TemporalLinks.css';

export function TemporalLinks({ temporal }: { temporal: NonNullable<JobDetail['temporal']> }) {
  return (
    <div className="temporal">
      <p className="temporal-meta">
        <a
          className="button"
          href={temporal.uiUrl}
          target="_blank"
          rel="noopener noreferrer"
          data-testid="temporal-ui-link"
        >
          Open in Temporal UI ↗
        </a>
        <span className="muted small">
          workflow <code>{temporal.workflowType ?? '?'}</code> · status <code>{temporal.status.toLowerCase()}</code>
          {temporal.historyLength !== null && <> · {temporal.historyLength} history events</>}
        </span>
      </p>
      <div className="command">
        <code data-testid="describe-command">{temporal.describeCommand}</code>
        <CopyButton text={temporal.describeCommand} />
      </div>
    </div>
  );
}
