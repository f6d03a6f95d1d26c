import * as RadixToast from '@radix-ui/react-toast';
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { CopyButton } from '../CopyButton';
import './Toasts.css';

/**
 * Short notes about the outcome of an action, at the bottom of the screen, on Radix Toast (announced
 * to screen readers, paused while hovered or focused, F8 reaches them). Successes go away by
 * themselves; errors stay until dismissed, since an operator may be looking elsewhere.
 */

export type ToastTone = 'ok' | 'error' | 'info';

export interface ToastInput {
  tone: ToastTone;
  title: string;
  body?: ReactNode;
  /** The equivalent `temporal` command, as the server ran it. */
  cli?: string | null;
  /** Milliseconds before it goes away by itself; 0 keeps it. Errors default to 0. */
  durationMs?: number;
}

interface Toast extends ToastInput {
  id: number;
}

interface ToastApi {
  push: (toast: ToastInput) => number;
  dismiss: (id: number) => void;
}

const ToastContext = createContext<ToastApi | null>(null);
const MOST_SHOWN = 5;

export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error('useToast needs a ToastProvider above it');
  return api;
}

function ToastItem({ toast, dismiss }: { toast: Toast; dismiss: (id: number) => void }) {
  const duration = toast.durationMs ?? (toast.tone === 'error' ? 0 : 8_000);
  return (
    <RadixToast.Root
      open
      onOpenChange={(open) => {
        if (!open) dismiss(toast.id);
      }}
      duration={duration || Infinity}
      type={toast.tone === 'error' ? 'foreground' : 'background'}
      className={`toast toast-${toast.tone}`}
      data-testid="toast"
      data-tone={toast.tone}
    >
      <div className="toast-content">
        <RadixToast.Title asChild>
          <strong className="toast-title">{toast.title}</strong>
        </RadixToast.Title>
        {toast.body && <RadixToast.Description className="toast-body">{toast.body}</RadixToast.Description>}
        {toast.cli && (
          <div className="command command-small" data-testid="toast-cli">
            <code>{toast.cli}</code>
            <CopyButton text={toast.cli} />
          </div>
        )}
      </div>
      <RadixToast.Close className="toast-close" aria-label="Dismiss">
        ×
      </RadixToast.Close>
    </RadixToast.Root>
  );
}

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);

  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((toast) => toast.id !== id)), []);
  const push = useCallback((toast: ToastInput) => {
    const id = next.current++;
    // The oldest make room.
    setToasts((list) => [...list, { ...toast, id }].slice(-MOST_SHOWN));
    return id;
  }, []);
  const api = useMemo(() => ({ push, dismiss }), [push, dismiss]);

  return (
    <ToastContext.Provider value={api}>
      <RadixToast.Provider label="Notification">
        {children}
        {toasts.map((toast) => (
          <ToastItem key={toast.id} toast={toast} dismiss={dismiss} />
        ))}
        <RadixToast.Viewport className="toasts" label="Notifications ({hotkey})" data-testid="toasts" />
      </RadixToast.Provider>
    </ToastContext.Provider>
  );
}
