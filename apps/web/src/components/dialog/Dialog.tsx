import * as RadixDialog from '@radix-ui/react-dialog';
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import './Dialog.css';

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
 * A modal dialog on Radix (focus trap, Escape, outside click, focus given back, the page behind
 * hidden from assistive technology). Shown while mounted: the caller decides when it exists.
 * On open the field marked data-autofocus has the focus, else the first button of the footer.
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
  const content = useRef<HTMLDivElement>(null);
  // Radix gives the focus back to a Dialog.Trigger; these dialogs are opened by state, so it goes back where it was.
  const [opener] = useState(() => document.activeElement as HTMLElement | null);
  const focusOpener = (event: Event) => {
    event.preventDefault();
    if (opener?.isConnected) opener.focus();
  };
  const keepOpenWhileBusy = (event: Event) => {
    if (busy) event.preventDefault();
  };
  const focusFirst = (event: Event) => {
    const node = content.current;
    // A field to fill first if there is one; else the first of the dialog's own buttons (not a Copy in the body).
    const first =
      node?.querySelector<HTMLElement>('[data-autofocus]') ??
      node?.querySelector<HTMLElement>('.dialog-footer button:not([disabled])');
    if (!first) return;
    event.preventDefault();
    first.focus();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit?.();
  };

  const body = (
    <>
      <RadixDialog.Description asChild>
        <div className="dialog-body">{children}</div>
      </RadixDialog.Description>
      {footer && <div className="dialog-footer">{footer}</div>}
    </>
  );

  return (
    <RadixDialog.Root
      open
      onOpenChange={(open) => {
        if (!open && !busy) onClose();
      }}
    >
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="dialog-backdrop">
          <RadixDialog.Content
            ref={content}
            className={`dialog${wide ? ' dialog-wide' : ''}`}
            aria-modal="true"
            data-testid={testId}
            onOpenAutoFocus={focusFirst}
            onCloseAutoFocus={focusOpener}
            onEscapeKeyDown={keepOpenWhileBusy}
            onInteractOutside={keepOpenWhileBusy}
          >
            <RadixDialog.Title className="dialog-title">{title}</RadixDialog.Title>
            {onSubmit ? (
              <form onSubmit={submit} noValidate className="dialog-form">
                {body}
              </form>
            ) : (
              body
            )}
          </RadixDialog.Content>
        </RadixDialog.Overlay>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}
