import { useId, useState } from 'react';
import { fromLocalInput, toLocalInput } from '../../lib/local-time';
import { trpc } from '../../trpc';
import { ConfirmDialog } from '../dialog/ConfirmDialog';
import { useDialogOutcome } from '../dialog/useDialogOutcome';
import { errorsByField } from '../FormErrors';
import { FormFields, TextField } from '../TextField';

const HOUR = 60 * 60_000;
const QUICK: Array<{ label: string; ms: number }> = [
  { label: '1 hour', ms: HOUR },
  { label: '4 hours', ms: 4 * HOUR },
  { label: '1 day', ms: 24 * HOUR },
  { label: '1 week', ms: 7 * 24 * HOUR },
];
const MAX_AHEAD_MS = 30 * 24 * HOUR;

/**
 * Silences a rule until a time, with a note saying why: its firings are still recorded and shown,
 * but no channel is told until the silence ends (then a firing still open is told as fired).
 */
export function SilenceDialog({ rule, onClose }: { rule: { id: string; name: string }; onClose: () => void }) {
  const formId = useId();
  const utils = trpc.useUtils();
  const silence = trpc.alerts.rules.silence.useMutation({ onSuccess: () => void utils.alerts.invalidate() });
  const outcome = useDialogOutcome(onClose);
  const [until, setUntil] = useState(() => toLocalInput(new Date(Date.now() + HOUR).toISOString()));
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<Partial<Record<string, string[]>>>({});

  const confirm = () => {
    const found: Partial<Record<string, string[]>> = {};
    const iso = fromLocalInput(until);
    const at = iso ? new Date(iso).getTime() : NaN;
    if (!iso) found.until = ['give a date and time'];
    else if (at <= Date.now()) found.until = ['a time in the future'];
    else if (at > Date.now() + MAX_AHEAD_MS) found.until = ['at most 30 days ahead'];
    if (!note.trim()) found.note = ['say why, for whoever sees the rule silenced'];
    setErrors(found);
    if (Object.keys(found).length) return;
    silence.mutate(
      { id: rule.id, until: iso!, note: note.trim() },
      {
        onSuccess: () => outcome.succeeded({ title: `Rule “${rule.name}” silenced` }),
        onError: (error) => setErrors(errorsByField(error)),
      },
    );
  };

  return (
    <ConfirmDialog
      title={<>Silence “{rule.name}”</>}
      confirmLabel="Silence"
      busyLabel="Silencing…"
      busy={silence.isPending}
      error={errors.form ? errors.form.join(' ') : null}
      onConfirm={confirm}
      onClose={onClose}
      testId="silence-dialog"
    >
      <p className="muted">
        Its firings are still recorded and shown; no channel is told until the silence ends. A firing still open then is
        told as fired.
      </p>
      <FormFields formId={formId} errors={errors}>
        <div className="silence-quick" role="group" aria-label="Silence for">
          {QUICK.map((choice) => (
            <button
              key={choice.label}
              type="button"
              className="button button-small"
              onClick={() => setUntil(toLocalInput(new Date(Date.now() + choice.ms).toISOString()))}
            >
              {choice.label}
            </button>
          ))}
        </div>
        <TextField
          label="Until"
          hint="your local time"
          field="until"
          type="datetime-local"
          value={until}
          onChange={(event) => setUntil(event.target.value)}
          data-testid="silence-until"
        />
        <TextField
          label="Note"
          hint="why, seen by everyone"
          field="note"
          type="text"
          value={note}
          maxLength={500}
          onChange={(event) => setNote(event.target.value)}
          placeholder="e.g. upstream outage, ticket OPS-123"
          data-testid="silence-note"
          data-autofocus
        />
      </FormFields>
    </ConfirmDialog>
  );
}
