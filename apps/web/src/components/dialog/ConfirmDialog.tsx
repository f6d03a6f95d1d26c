import type { ReactNode } from 'react';
import { messageOf } from '../../lib/errors';
import { CliCommand } from './CliCommand';
import { Dialog } from './Dialog';

interface ConfirmProps {
  title: ReactNode;
  /** What exactly will happen, in words. */
  children?: ReactNode;
  confirmLabel: string;
  busyLabel?: string;
  dismissLabel?: string;
  tone?: 'danger' | 'primary';
  busy?: boolean;
  /** The last attempt's error, shown above the buttons. */
  error?: unknown;
  cli?: string | null;
  confirmDisabled?: boolean;
  onConfirm: () => void;
  onClose: () => void;
  testId?: string;
  wide?: boolean;
}

/** The two buttons of a confirmation: "Go back" first, so the focused button is the harmless one. */
export function ConfirmButtons({
  confirmLabel,
  dismissLabel = 'Go back',
  tone = 'primary',
  busy = false,
  confirmDisabled = false,
  onClose,
}: {
  confirmLabel: string;
  dismissLabel?: string;
  tone?: 'danger' | 'primary';
  busy?: boolean;
  confirmDisabled?: boolean;
  onClose: () => void;
}) {
  return (
    <>
      <button type="button" className="button" onClick={onClose} disabled={busy} data-testid="dialog-dismiss">
        {dismissLabel}
      </button>
      <button
        type="submit"
        className={`button ${tone === 'danger' ? 'button-destructive' : 'button-primary'}`}
        disabled={busy || confirmDisabled}
        data-testid="dialog-confirm"
      >
        {confirmLabel}
      </button>
    </>
  );
}

/** A confirmation's question about one named thing: "Pause queue `reports`?". */
export function ActionQuestion({ action, subject }: { action: string; subject: string }) {
  return (
    <>
      {action} <code>{subject}</code>?
    </>
  );
}

/** An error inside a dialog, above its buttons. */
export function DialogError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="form-error" role="alert" data-testid="dialog-error">
      {messageOf(error)}
    </p>
  );
}

/**
 * A confirmation: says what will happen, shows the CLI equivalent where one exists, and acts only
 * on the confirm button.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  busyLabel,
  dismissLabel,
  tone,
  busy = false,
  error,
  cli,
  confirmDisabled = false,
  onConfirm,
  onClose,
  testId = 'confirm-dialog',
  wide,
}: ConfirmProps) {
  return (
    <Dialog
      title={title}
      onClose={onClose}
      busy={busy}
      testId={testId}
      wide={wide}
      onSubmit={() => {
        if (!busy && !confirmDisabled) onConfirm();
      }}
      footer={
        <ConfirmButtons
          confirmLabel={busy ? (busyLabel ?? `${confirmLabel}…`) : confirmLabel}
          dismissLabel={dismissLabel}
          tone={tone}
          busy={busy}
          confirmDisabled={confirmDisabled}
          onClose={onClose}
        />
      }
    >
      {children}
      {cli && <CliCommand command={cli} />}
      <DialogError error={error} />
    </Dialog>
  );
}
