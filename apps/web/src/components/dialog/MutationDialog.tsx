import type { ComponentProps } from 'react';
import type { Mutation } from '../../lib/mutation';
import type { ToastInput } from '../toasts/Toasts';
import { ConfirmDialog } from './ConfirmDialog';
import { useDialogOutcome } from './useDialogOutcome';

type Note = Omit<ToastInput, 'tone'> & { tone?: ToastInput['tone'] };

/**
 * A confirmation whose confirm button runs one mutation: busy while it runs; when it answers, a toast
 * says how it went and the dialog closes. Work to do after a success (fetching again) goes in the
 * mutation's own onSuccess.
 */
export function MutationDialog<Input, Result>({
  mutation,
  input,
  succeeded,
  failedTitle,
  onDone,
  onClose,
  ...dialog
}: {
  mutation: Mutation<Input, Result>;
  input: Input;
  /** The toast of a success. */
  succeeded: (result: Result) => Note;
  /** The title of the toast of a failure (its body is the error). */
  failedTitle: string;
  /** After the toast of a success, such as leaving a page whose subject is gone. */
  onDone?: (result: Result) => void;
  onClose: () => void;
} & Omit<ComponentProps<typeof ConfirmDialog>, 'busy' | 'onConfirm' | 'onClose'>) {
  const outcome = useDialogOutcome(onClose);
  const confirm = () =>
    mutation.mutate(input, {
      onSuccess: (result) => {
        outcome.succeeded(succeeded(result));
        onDone?.(result);
      },
      onError: outcome.failed(failedTitle),
    });
  return <ConfirmDialog {...dialog} busy={mutation.isPending} onConfirm={confirm} onClose={onClose} />;
}
