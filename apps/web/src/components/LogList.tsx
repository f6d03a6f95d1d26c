import { clockTime, dateTime, json } from '../lib/format';
import type { JobDetail } from '../trpc';
import './LogList.css';

export function LogList({ logs }: { logs: JobDetail['logs'] }) {
  if (!logs.length) {
    return (
      <p className="muted" data-testid="job-logs-empty">
        No log lines yet.
      </p>
    );
  }
  return (
    <ol className="logs" data-testid="job-logs" aria-label="Job log, newest first">
      {logs.map((log) => (
        <li key={log.id} className={`log log-${log.level}`} data-testid="log-entry">
          <time className="log-time mono" dateTime={log.at} title={dateTime(log.at)}>
            {clockTime(log.at)}
          </time>
          <span className={`log-level level-${log.level}`}>{log.level}</span>
          <span className="log-attempt" title="attempt">
            #{log.attempt}
          </span>
          <span className="log-message">
            {log.message}
            {log.data !== null && log.data !== undefined && (
              <details className="log-data">
                <summary>data</summary>
                <pre className="code-block">{json(log.data)}</pre>
              </details>
            )}
          </span>
        </li>
      ))}
    </ol>
  );
}
