import type { RouterOutputs } from '../../trpc';

export type User = RouterOutputs['users']['list'][number];

/** What each user dialog receives. */
export interface UserDialogProps {
  user: User;
  onClose: () => void;
}
