import { json } from '../lib/format';

export function JsonBlock({ value, testId }: { value: unknown; testId?: string }) {
  if (value === null || value === undefined) return <p className="muted">—</p>;
  return (
    <pre className="code-block" data-testid={testId}>
      {json(value)}
    </pre>
  );
}
