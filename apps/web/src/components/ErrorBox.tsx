import { messageOf } from '../lib/errors';

export function ErrorBox({
  error,
  title = 'Something went wrong',
  onRetry,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
}) {
  return (
    <div className="error-box" role="alert" data-testid="error-box">
      <div>
        <strong>{title}</strong>
        <p>{messageOf(error)}</p>
      </div>
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
