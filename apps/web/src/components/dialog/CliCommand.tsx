import { CopyButton } from '../CopyButton';

/** The `temporal` command that does the same, to copy. */
export function CliCommand({
  command,
  label = 'Temporal CLI equivalent',
  testId = 'dialog-cli',
}: {
  command: string;
  label?: string;
  testId?: string;
}) {
  return (
    <div className="cli-equivalent">
      <span className="muted small">{label}</span>
      <div className="command">
        <code data-testid={testId}>{command}</code>
        <CopyButton text={command} />
      </div>
    </div>
  );
}
