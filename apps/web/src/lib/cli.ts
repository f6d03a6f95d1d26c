/**
 * The `temporal` CLI commands equivalent to the dashboard's actions, built here to show before
 * confirming; they match what the server reports back (`cli`) once it has acted.
 */
export const cli = {
  cancel: (id: string) => `temporal workflow cancel --workflow-id ${id}`,
  terminate: (id: string, reason: string) =>
    `temporal workflow terminate --workflow-id ${id} --reason ${JSON.stringify(reason)}`,
  pause: (queue: string, reason: string) =>
    `temporal task-queue config set --task-queue ${queue} --task-queue-type activity --queue-rps-limit 0 --queue-rps-limit-reason ${JSON.stringify(reason)}`,
  resume: (queue: string) =>
    `temporal task-queue config set --task-queue ${queue} --task-queue-type activity --queue-rps-limit default`,
};

/** The reasons the server records, so that the command shown beforehand is the one that runs. */
export const reasons = {
  terminate: (reason: string, actor: string | undefined) => `${reason.trim()}${actor ? ` (by ${actor})` : ''}`,
  pause: (actor: string | undefined, note: string) =>
    `paused by ${actor ?? 'you'}${note.trim() ? `: ${note.trim()}` : ''}`,
};
