import { clockTime, dateTime, json } from '../lib/format';
import type { JobDetail } from '../trpc';
import './LogList.css';

/** A level's colours: the status tones of the badges. */
const LEVEL_TONE: Record<string, string> = {
  debug: 'status-idle',
  info: 'status-info',
  warn: 'status-warn',
  error: 'status-bad',
};

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
          <span className={`log-level ${LEVEL_TONE[log.level] ?? 'status-idle'}`}>{log.level}</span>
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
