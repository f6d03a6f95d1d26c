import { useEffect, useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { describeIssue, type Issue } from '../lib/errors';
import { json, parseJsonInput } from '../lib/format';
import { trpc, type EnqueueInput, type JobTypeInfo } from '../trpc';
import { StateBadge } from './StateBadge';
import type { Priority } from '@jobdeck/workflows/vocabulary';
import { errorsByField, FieldError } from './FormErrors';
import { JobTypeSelect, JsonInputField, PrioritySelect } from './JobFields';
import { startLikeChanges, REDACTED } from './job-actions/start-like-changes';
import { errorIdOf, FormFields, TextField } from './TextField';
import './EnqueueForm.css';

type Field = 'type' | 'input' | 'priority' | 'delay' | 'key' | 'form';

/** Where the form shows an issue the server found, by the issue's path. */
function fieldOf(issue: Issue): Field {
  const [head, option] = issue.path;
  if (head === 'type') return 'type';
  if (head === 'input') return 'input';
  if (head === 'options' && option === 'priority') return 'priority';
  if (head === 'options' && (option === 'delayMs' || option === 'runAt')) return 'delay';
  if (head === 'options' && option === 'idempotencyKey') return 'key';
  return 'form';
}

type Errors = Partial<Record<Field, string[]>>;

/** The job a "Start like this" copies: its type is kept, its (redacted) input is the form's first draft. */
export interface CopyOf {
  id: string;
  type: string;
  input: unknown;
  priority: Priority;
}

/**
 * Enqueues a job of a chosen type; with `copyOf`, starts one like an existing job (jobs.startLike):
 * the type fixed, the input prefilled, and only what was edited sent, merged into the original's.
 */
export function EnqueueForm({
  types,
  copyOf,
  onStarted,
}: {
  types: JobTypeInfo[];
  copyOf?: CopyOf;
  onStarted?: (id: string) => void;
}) {
  const id = useId();
  const utils = trpc.useUtils();
  const enqueue = trpc.jobs.enqueue.useMutation({
    onSuccess: () => {
      void utils.jobs.list.invalidate();
      void utils.jobs.stats.invalidate();
    },
  });
  const startLike = trpc.jobs.startLike.useMutation({
    onSuccess: () => {
      void utils.jobs.list.invalidate();
      void utils.jobs.stats.invalidate();
    },
  });
  const [type, setType] = useState(copyOf?.type ?? types[0]?.type ?? '');
  const [input, setInput] = useState(() => json(copyOf ? copyOf.input : (types[0]?.example ?? {})));
  const [priority, setPriority] = useState<Priority>(copyOf?.priority ?? 'normal');
  const [delay, setDelay] = useState('');
  const [key, setKey] = useState('');
  const [errors, setErrors] = useState<Errors>({});

  const selected = types.find((candidate) => candidate.type === type);

  // Each type starts from its own example (a copy starts from the original's input).
  useEffect(() => {
    if (selected && !copyOf) setInput(json(selected.example));
  }, [selected, copyOf]);
  const pending = enqueue.isPending || startLike.isPending;
  const done = copyOf ? startLike.data : enqueue.data;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Errors = {};
    const parsed = parseJsonInput(input);
    if (parsed.error) found.input = [parsed.error];
    const seconds = delay.trim() === '' ? undefined : Number(delay);
    if (seconds !== undefined && (!Number.isFinite(seconds) || seconds < 0))
      found.delay = ['delay: a number of seconds, 0 or more'];
    const like =
      copyOf && !parsed.error
        ? parsed.value && typeof parsed.value === 'object' && !Array.isArray(parsed.value)
          ? startLikeChanges(copyOf.input, parsed.value as Record<string, unknown>)
          : null
        : undefined;
    if (like === null) found.input = ['input: a JSON object, edited from the original'];
    if (like?.removed.length)
      found.input = [
        `${like.removed.join(', ')}: deleted, but the edits are merged into the original's input, which keeps them; change the value instead`,
      ];
    if (like?.redactedEdits.length)
      found.input = [
        `${like.redactedEdits.join(', ')}: still holds ${REDACTED}; type the whole value, or undo the edit`,
      ];
    setErrors(found);
    enqueue.reset();
    startLike.reset();
    if (Object.keys(found).length) return;

    const options = {
      priority,
      ...(seconds ? { delayMs: Math.round(seconds * 1000) } : {}),
      ...(key.trim() ? { idempotencyKey: key.trim() } : {}),
    };
    const onError = (error: unknown) => setErrors(errorsByField(error, fieldOf, describeIssue));
    if (copyOf && like) {
      const changes = Object.keys(like.changes).length ? { input: like.changes } : {};
      startLike.mutate(
        { id: copyOf.id, ...changes, options },
        { onError, onSuccess: (result) => onStarted?.(result.id) },
      );
      return;
    }
    const request = { type, input: parsed.value, options } as EnqueueInput; // the server validates the input against the type's schema
    enqueue.mutate(request, { onError });
  };

  return (
    <form className="enqueue-form" onSubmit={submit} data-testid="enqueue-form" noValidate>
      <FormFields formId={id} errors={errors}>
        <div className="form-grid">
          <JobTypeSelect
            types={types}
            value={type}
            onChange={setType}
            testId="enqueue-type"
            field="type"
            disabled={!!copyOf}
          />
          <PrioritySelect
            value={priority}
            onChange={(value) => setPriority(value || 'normal')}
            testId="enqueue-priority"
            field="priority"
          />
          <TextField
            label="Delay"
            hint="seconds, optional"
            field="delay"
            type="number"
            inputMode="decimal"
            min={0}
            step="any"
            value={delay}
            onChange={(event) => setDelay(event.target.value)}
            placeholder="0"
            data-testid="enqueue-delay"
          />
          <TextField
            label="Idempotency key"
            hint="optional"
            field="key"
            type="text"
            value={key}
            onChange={(event) => setKey(event.target.value)}
            maxLength={200}
            placeholder="e.g. order-123-paid"
            data-testid="enqueue-key"
          />
        </div>
        {selected && <p className="muted small">{selected.description}</p>}
        {copyOf && (
          <p className="note small" data-testid="start-like-note">
            Prefilled from <code>{copyOf.id}</code>. Values shown as <code>{REDACTED}</code> are the original&apos;s
            secrets: left unchanged, the new job keeps them. Only what you edit is sent, merged into the original&apos;s
            input (a field cannot be deleted, only changed).
          </p>
        )}
        <JsonInputField
          label="Input"
          hint="JSON"
          value={input}
          onChange={setInput}
          testId="enqueue-input"
          minRows={5}
          maxRows={14}
          field="input"
        />
      </FormFields>
      <FieldError errors={errors} field="form" id={errorIdOf(id, 'form')} />
      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={pending || !type}
          data-testid="enqueue-submit"
        >
          {pending ? 'Enqueueing…' : copyOf ? 'Start job' : 'Enqueue'}
        </button>
        {done && (
          <p className="form-success" role="status" data-testid="enqueue-success">
            {done.created ? 'Enqueued' : 'Already enqueued with this key:'}{' '}
            <Link to={`/jobs/${encodeURIComponent(done.id)}`} data-testid="enqueue-job-link">
              {done.id}
            </Link>{' '}
            <StateBadge state={done.state} />
          </p>
        )}
      </div>
    </form>
  );
}
