import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { messageOf } from '../lib/errors';
import { CopyButton } from './CopyButton';

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

interface DialogProps {
  title: ReactNode;
  children?: ReactNode;
  onClose: () => void;
  /** Buttons, at the bottom. */
  footer?: ReactNode;
  testId?: string;
  /** While an action runs, Escape and the backdrop do not close the dialog. */
  busy?: boolean;
  wide?: boolean;
  /** Makes the body a form: Enter in a field submits it. */
  onSubmit?: () => void;
}

/**
 * A modal dialog: role="dialog" with aria-modal, the first button of its footer (or the element
 * marked data-autofocus) focused on open, Tab kept inside, Escape closes, focus goes back where it was.
 */
export function Dialog({
  title,
  children,
  onClose,
  footer,
  testId = 'dialog',
  busy = false,
  wide = false,
  onSubmit,
}: DialogProps) {
  const id = useId();
  const ref = useRef<HTMLDivElement>(null);
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  const busyRef = useRef(busy);
  busyRef.current = busy;

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const node = ref.current;
    // A field to fill first if there is one; else the first of the dialog's own buttons (not a Copy in the body).
    const first =
      node?.querySelector<HTMLElement>('[data-autofocus]') ??
      node?.querySelector<HTMLElement>('.dialog-footer button:not([disabled])') ??
      node?.querySelector<HTMLElement>('button:not([disabled])');
    first?.focus();
    const overflow = document.body.style.overflow;
    document.body.style.overflow = 'hidden';
    return () => {
      document.body.style.overflow = overflow;
      if (previous && document.contains(previous)) previous.focus();
    };
  }, []);

  const onKeyDown = (event: React.KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      if (!busyRef.current) closeRef.current();
      return;
    }
    if (event.key !== 'Tab' || !ref.current) return;
    const items = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
      (item) => item.offsetParent !== null,
    );
    if (!items.length) return;
    const first = items[0]!;
    const last = items.at(-1)!;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit?.();
  };

  const content = (
    <>
      <div className="dialog-body" id={`${id}-body`}>
        {children}
      </div>
      {footer && <div className="dialog-footer">{footer}</div>}
    </>
  );

  return createPortal(
    <div
      className="dialog-backdrop"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget && !busy) onClose();
      }}
    >
      <div
        ref={ref}
        className={`dialog${wide ? ' dialog-wide' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-body`}
        data-testid={testId}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <h2 className="dialog-title" id={`${id}-title`}>
          {title}
        </h2>
        {onSubmit ? (
          <form onSubmit={submit} noValidate className="dialog-form">
            {content}
          </form>
        ) : (
          content
        )}
      </div>
    </div>,
    document.body,
  );
}

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

/**
 * A confirmation: says what will happen, shows the CLI equivalent where one exists, and acts only
 * on the confirm button. "Go back" comes first, so the focused button is the harmless one.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  busyLabel,
  dismissLabel = 'Go back',
  tone = 'primary',
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
            {busy ? (busyLabel ?? `${confirmLabel}…`) : confirmLabel}
          </button>
        </>
      }
    >
      {children}
      {cli && <CliCommand command={cli} />}
      {error ? (
        <p className="form-error" role="alert" data-testid="dialog-error">
          {messageOf(error)}
        </p>
      ) : null}
    </Dialog>
  );
}
