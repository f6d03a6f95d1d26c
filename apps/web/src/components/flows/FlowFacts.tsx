import { between, dateTime, duration } from '../../lib/format';
import { isLive } from '../../lib/states';
import { CopyButton } from '../CopyButton';
import { FactList } from '../FactList';
import type { FlowDetail } from './FlowNodeCard';

/** When the flow ran, how it handles failures, and where Temporal shows it (UI, CLI). */
export function FlowFacts({ flow }: { flow: FlowDetail }) {
  const rows: Array<[string, string]> = [
    ['Created', dateTime(flow.createdAt)],
    ['Started', dateTime(flow.startedAt)],
    ['Finished', dateTime(flow.finishedAt)],
    ['Ran', duration(between(flow.startedAt, flow.finishedAt))],
    ['On failure', flow.onFailure === 'stop' ? 'stop: start nothing more' : 'continue independent branches'],
    ['Retry window', duration(flow.retryWindowMs)],
    ['Nodes', String(flow.nodes.length)],
    ['Jobs', String(flow.nodes.reduce((total, node) => total + node.jobs.length, 0))],
  ];
  return (
    <>
      <section className="panel" aria-labelledby="flow-facts-title">
        <h2 id="flow-facts-title">Flow</h2>
        <FactList rows={rows} testId="flow-facts" />
        {/* A finished flow is read from its records by design; a running one only when Temporal did not answer. */}
        {flow.source === 'postgres' && isLive(flow.state) && (
          <p className="notice notice-inline" role="status" data-testid="flow-source-note">
            Temporal did not answer: the node states come from the job records and may lag behind.
          </p>
        )}
      </section>
      <section className="panel" aria-labelledby="flow-temporal-title">
        <h2 id="flow-temporal-title">Temporal</h2>
        <p>
          <a
            className="button"
            href={flow.temporal.uiUrl}
            target="_blank"
            rel="noopener noreferrer"
            data-testid="flow-temporal-link"
          >
            Open in Temporal UI ↗
          </a>
        </p>
        <p className="muted small">The flow and its jobs, as the CLI lists them:</p>
        <div className="command">
          <code data-testid="flow-list-command">{flow.temporal.listCommand}</code>
          <CopyButton text={flow.temporal.listCommand} />
        </div>
      </section>
    </>
  );
}
