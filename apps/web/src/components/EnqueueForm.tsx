import { useEffect, useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { describeIssue, type Issue } from '../lib/errors';
import { json, parseJsonInput } from '../lib/format';
import { trpc, type EnqueueInput, type JobTypeInfo } from '../trpc';
import { StateBadge } from './StateBadge';
import type { Priority } from '@jobdeck/workflows/vocabulary';
import { errorsByField, FieldError } from './FormErrors';
import { JobTypeSelect, JsonInputField, PrioritySelect } from './JobFields';
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

export function EnqueueForm({ types }: { types: JobTypeInfo[] }) {
  const id = useId();
  const utils = trpc.useUtils();
  const enqueue = trpc.jobs.enqueue.useMutation({
    onSuccess: () => {
      void utils.jobs.list.invalidate();
      void utils.jobs.stats.invalidate();
    },
  });
  const [type, setType] = useState(types[0]?.type ?? '');
  const [input, setInput] = useState(() => json(types[0]?.example ?? {}));
  const [priority, setPriority] = useState<Priority>('normal');
  const [delay, setDelay] = useState('');
  const [key, setKey] = useState('');
  const [errors, setErrors] = useState<Errors>({});

  const selected = types.find((candidate) => candidate.type === type);

  // Each type starts from its own example.
  useEffect(() => {
    if (selected) setInput(json(selected.example));
  }, [selected]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Errors = {};
    const parsed = parseJsonInput(input);
    if (parsed.error) found.input = [parsed.error];
    const seconds = delay.trim() === '' ? undefined : Number(delay);
    if (seconds !== undefined && (!Number.isFinite(seconds) || seconds < 0))
      found.delay = ['delay: a number of seconds, 0 or more'];
    setErrors(found);
    enqueue.reset();
    if (Object.keys(found).length) return;

    const request = {
      type,
      input: parsed.value,
      options: {
        priority,
        ...(seconds ? { delayMs: Math.round(seconds * 1000) } : {}),
        ...(key.trim() ? { idempotencyKey: key.trim() } : {}),
      },
    } as EnqueueInput; // the server validates the input against the type's schema
    enqueue.mutate(request, { onError: (error) => setErrors(errorsByField(error, fieldOf, describeIssue)) });
  };

  return (
    <form className="enqueue-form" onSubmit={submit} data-testid="enqueue-form" noValidate>
      <FormFields formId={id} errors={errors}>
        <div className="form-grid">
          <JobTypeSelect types={types} value={type} onChange={setType} testId="enqueue-type" field="type" />
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
          disabled={enqueue.isPending || !type}
          data-testid="enqueue-submit"
        >
          {enqueue.isPending ? 'Enqueueing…' : 'Enqueue'}
        </button>
        {enqueue.data && (
          <p className="form-success" role="status" data-testid="enqueue-success">
            {enqueue.data.created ? 'Enqueued' : 'Already enqueued with this key:'}{' '}
            <Link to={`/jobs/${encodeURIComponent(enqueue.data.id)}`} data-testid="enqueue-job-link">
              {enqueue.data.id}
            </Link>{' '}
            <StateBadge state={enqueue.data.state} />
          </p>
        )}
      </div>
    </form>
  );
}
