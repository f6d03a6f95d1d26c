/** What the actions need to know of a job: a row of the table is enough. */
export interface ActionJob {
  id: string;
  state: string;
  type: string;
  priority?: string;
  maxAttempts?: number | null;
  /** Known on the job page: a job retried once is not offered a second retry. */
  retriedAsId?: string | null;
}

/** What each job dialog receives. */
export interface JobDialogProps {
  job: ActionJob;
  onClose: () => void;
}

/** A job id inside a dialog's sentence: it may be long, so it wraps anywhere. */
export function DialogJobId({ id }: { id: string }) {
  return <code className="dialog-id">{id}</code>;
}
