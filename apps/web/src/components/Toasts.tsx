import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { CopyButton } from './CopyButton';

/**
 * Short notes about the outcome of an action, at the bottom of the screen. Successes go away by
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

export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error('useToast needs a ToastProvider above it');
  return api;
}

function ToastItem({ toast, dismiss }: { toast: Toast; dismiss: (id: number) => void }) {
  const { id } = toast;
  const onDismiss = useCallback(() => dismiss(id), [dismiss, id]);
  const duration = toast.durationMs ?? (toast.tone === 'error' ? 0 : 8_000);
  const [paused, setPaused] = useState(false);
  useEffect(() => {
    if (!duration || paused) return;
    const timer = setTimeout(onDismiss, duration);
    return () => clearTimeout(timer);
  }, [duration, paused, onDismiss]);
  return (
    <li
      className={`toast toast-${toast.tone}`}
      data-testid="toast"
      data-tone={toast.tone}
      role={toast.tone === 'error' ? 'alert' : undefined}
      onMouseEnter={() => setPaused(true)}
      onMouseLeave={() => setPaused(false)}
      onFocus={() => setPaused(true)}
      onBlur={() => setPaused(false)}
    >
      <div className="toast-content">
        <strong className="toast-title">{toast.title}</strong>
        {toast.body && <div className="toast-body">{toast.body}</div>}
        {toast.cli && (
          <div className="command command-small" data-testid="toast-cli">
            <code>{toast.cli}</code>
            <CopyButton text={toast.cli} />
          </div>
        )}
      </div>
      <button type="button" className="toast-close" onClick={onDismiss} aria-label="Dismiss">
        ×
      </button>
    </li>
  );
}

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);

  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((toast) => toast.id !== id)), []);
  const push = useCallback((toast: ToastInput) => {
    const id = next.current++;
    // Five at most: the oldest make room.
    setToasts((list) => [...list, { ...toast, id }].slice(-5));
    return id;
  }, []);
  const api = useMemo(() => ({ push, dismiss }), [push, dismiss]);

  return (
    <ToastContext.Provider value={api}>
      {children}
      <ol
        className="toasts"
        aria-label="Notifications"
        aria-live="polite"
        aria-relevant="additions"
        data-testid="toasts"
      >
        {toasts.map((toast) => (
          <ToastItem key={toast.id} toast={toast} dismiss={dismiss} />
        ))}
      </ol>
    </ToastContext.Provider>
  );
}
