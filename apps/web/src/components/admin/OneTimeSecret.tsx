import type { ReactNode } from 'react';
import { CopyButton } from '../CopyButton';
import './Admin.css';

/**
 * A secret shown this once, with a warning and a Copy button; it lives only in the caller's state,
 * never in storage or the query cache. "Done" forgets it.
 */
export function OneTimeSecret({
  title,
  secret,
  copyLabel,
  details,
  doneLabel = 'I have copied it',
  onDone,
  testId,
}: {
  title: ReactNode;
  secret: string;
  copyLabel: string;
  /** What the secret is for, under it. */
  details: ReactNode;
  doneLabel?: string;
  onDone: () => void;
  /** `token` gives token-issued, token-secret and token-issued-done. */
  testId: string;
}) {
  return (
    <section className="panel panel-secret" aria-labelledby={`${testId}-issued-title`} data-testid={`${testId}-issued`}>
      <h2 id={`${testId}-issued-title`}>{title}</h2>
      <p className="secret-warning" role="alert">
        Copy it now: <strong>you will not see it again.</strong> Jobdeck keeps only a hash of it.
      </p>
      <div className="command secret-box">
        <code data-testid={`${testId}-secret`}>{secret}</code>
        <CopyButton text={secret} label={copyLabel} />
      </div>
      <p className="muted small">{details}</p>
      <div className="form-actions">
        <button type="button" className="button button-primary" onClick={onDone} data-testid={`${testId}-issued-done`}>
          {doneLabel}
        </button>
      </div>
    </section>
  );
}
