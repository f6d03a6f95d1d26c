import { FieldError } from './FormErrors';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { issuesOf, messageOf, type Issue } from '../lib/errors';
import { json } from '../lib/format';
import { trpc, type EnqueueInput, type JobTypeInfo } from '../trpc';
import { StateBadge } from './StateBadge';
import { PRIORITIES, type Priority } from '@jobdeck/workflows/vocabulary';

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

function describe(issue: Issue): string {
  return issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
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
    let parsed: unknown;
    try {
      parsed = JSON.parse(input);
    } catch (error) {
      found.input = [`input: not valid JSON (${(error as Error).message})`];
    }
    const seconds = delay.trim() === '' ? undefined : Number(delay);
    if (seconds !== undefined && (!Number.isFinite(seconds) || seconds < 0))
      found.delay = ['delay: a number of seconds, 0 or more'];
    setErrors(found);
    enqueue.reset();
    if (Object.keys(found).length) return;

    const request = {
      type,
      input: parsed,
      options: {
        priority,
        ...(seconds ? { delayMs: Math.round(seconds * 1000) } : {}),
        ...(key.trim() ? { idempotencyKey: key.trim() } : {}),
      },
    } as EnqueueInput; // the server validates the input against the type's schema
    enqueue.mutate(request, {
      onError: (error) => {
        const next: Errors = {};
        for (const issue of issuesOf(error)) (next[fieldOf(issue)] ??= []).push(describe(issue));
        if (!Object.keys(next).length) next.form = [messageOf(error)];
        setErrors(next);
      },
    });
  };

  const described = (field: Field) => (errors[field]?.length ? `${id}-${field}-errors` : undefined);

  return (
    <form className="enqueue-form" onSubmit={submit} data-testid="enqueue-form" noValidate>
      <div className="form-grid">
        <label className="field">
          <span>Job type</span>
          <select
            value={type}
            onChange={(event) => setType(event.target.value)}
            data-testid="enqueue-type"
            aria-describedby={described('type')}
          >
            {types.map((candidate) => (
              <option key={candidate.type} value={candidate.type}>
                {candidate.type}
              </option>
            ))}
          </select>
          <FieldError errors={errors} field="type" id={`${id}-type-errors`} />
        </label>
        <label className="field">
          <span>Priority</span>
          <select
            value={priority}
            onChange={(event) => setPriority(event.target.value as Priority)}
            data-testid="enqueue-priority"
          >
            {PRIORITIES.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
          <FieldError errors={errors} field="priority" id={`${id}-priority-errors`} />
        </label>
        <label className="field">
          <span>
            Delay <span className="muted">(seconds, optional)</span>
          </span>
          <input
            type="number"
            inputMode="decimal"
            min={0}
            step="any"
            value={delay}
            onChange={(event) => setDelay(event.target.value)}
            placeholder="0"
            data-testid="enqueue-delay"
            aria-invalid={!!errors.delay}
            aria-describedby={described('delay')}
          />
          <FieldError errors={errors} field="delay" id={`${id}-delay-errors`} />
        </label>
        <label className="field">
          <span>
            Idempotency key <span className="muted">(optional)</span>
          </span>
          <input
            type="text"
            value={key}
            onChange={(event) => setKey(event.target.value)}
            maxLength={200}
            placeholder="e.g. order-123-paid"
            data-testid="enqueue-key"
            aria-invalid={!!errors.key}
            aria-describedby={described('key')}
          />
          <FieldError errors={errors} field="key" id={`${id}-key-errors`} />
        </label>
      </div>
      {selected && <p className="muted small">{selected.description}</p>}
      <label className="field">
        <span>
          Input <span className="muted">(JSON)</span>
        </span>
        <textarea
          className="mono"
          rows={Math.min(14, Math.max(5, input.split('\n').length + 1))}
          spellCheck={false}
          value={input}
          onChange={(event) => setInput(event.target.value)}
          data-testid="enqueue-input"
          aria-invalid={!!errors.input}
          aria-describedby={described('input')}
        />
        <FieldError errors={errors} field="input" id={`${id}-input-errors`} />
      </label>
      <FieldError errors={errors} field="form" id={`${id}-form-errors`} />
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
