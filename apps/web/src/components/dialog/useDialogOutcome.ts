import { messageOf } from '../../lib/errors';
import { useToast, type ToastInput } from '../toasts/Toasts';

/**
 * What a confirmation does with the answer to its action: says how it went in a toast and closes.
 * A refusal the dialog shows itself (a field's error) is the caller's to handle before `failed`.
 */
export function useDialogOutcome(onClose: () => void) {
  const toast = useToast();
  return {
    succeeded: (note: Omit<ToastInput, 'tone'> & { tone?: ToastInput['tone'] }) => {
      toast.push({ tone: 'ok', ...note });
      onClose();
    },
    failed: (title: string) => (error: unknown) => {
      toast.push({ tone: 'error', title, body: messageOf(error) });
      onClose();
    },
  };
}
