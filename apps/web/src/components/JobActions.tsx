import { FieldError } from './FormErrors';
import { mergeInput } from '@jobdeck/workflows/merge-input';
import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { Link } from 'react-router';
import { cli, reasons } from '../lib/cli';
import { httpStatusOf, issuesOf, messageOf, type Issue } from '../lib/errors';
import { json } from '../lib/format';
import { usePermissions } from '../lib/permissions';
import { isLive } from '../lib/states';
import { trpc, type RouterInputs } from '../trpc';
import { ConfirmDialog } from './ConfirmDialog';
import { StatusBadge } from './StateBadge';
import { useToast } from './Toasts';
import { PRIORITIES } from '@jobdeck/workflows/vocabulary';

export const RETRYABLE_STATES: readonly string[] = ['failed', 'cancelled', 'terminated', 'timed_out'];

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

type Action = 'retry' | 'retryChanges' | 'cancel' | 'terminate';

/** An action changes the job, the lists and the counts: fetch them again, and once more when Temporal has caught up. */
export function useInvalidateJobs() {
  const utils = trpc.useUtils();
  return useCallback(
    (...ids: string[]) => {
      const run = () => {
        for (const id of ids) void utils.jobs.get.invalidate({ id });
        void utils.jobs.list.invalidate();
        void utils.jobs.stats.invalidate();
      };
      run();
      for (const ms of [1_500, 5_000]) setTimeout(run, ms);
    },
    [utils],
  );
}

function shortId(id: string) {
  return <code className="dialog-id">{id}</code>;
}

function cancelEffect(state: string): string {
  switch (state) {
    case 'waiting':
      return 'It has not started: it will not run, and ends as cancelled.';
    case 'delayed':
      return 'It is scheduled for later: it will not run, and ends as cancelled.';
    case 'retrying':
      return 'It is waiting for its next attempt: it will not try again, and ends as cancelled.';
    default:
      return 'The running activity is told at its next heartbeat, cleans up, and the job ends as cancelled.';
  }
}

/** Retry, Retry with changes, Cancel, Terminate: as the job's state allows, for operators and admins only. */
export function JobActions({ job, compact = false }: { job: ActionJob; compact?: boolean }) {
  const { canOperate, me } = usePermissions();
  const [open, setOpen] = useState<Action | null>(null);
  if (!canOperate) return null;

  const retryable = RETRYABLE_STATES.includes(job.state) && !job.retriedAsId;
  const live = isLive(job.state);
  if (!retryable && !live) return null;
  const size = compact ? ' button-small' : '';
  const dialogs = (
    <>
      {open === 'retry' && <RetryDialog job={job} onClose={() => setOpen(null)} />}
      {open === 'retryChanges' && <RetryChangesDialog job={job} onClose={() => setOpen(null)} />}
      {open === 'cancel' && <CancelDialog job={job} onClose={() => setOpen(null)} />}
      {open === 'terminate' && <TerminateDialog job={job} actor={me?.name} onClose={() => setOpen(null)} />}
    </>
  );

  // In a table row, one small button opens a menu: four buttons per row would not fit.
  if (compact) {
    const items: Array<{ action: Action; label: string; danger?: boolean }> = retryable
      ? [
          { action: 'retry', label: 'Retry…' },
          { action: 'retryChanges', label: 'Retry with changes…' },
        ]
      : [
          { action: 'cancel', label: 'Cancel…' },
          { action: 'terminate', label: 'Terminate…', danger: true },
        ];
    return (
      <div className="job-actions job-actions-compact" data-testid="job-actions">
        <RowMenu label={`Actions for ${job.id}`} items={items} onSelect={setOpen} />
        {dialogs}
      </div>
    );
  }

  return (
    <div className="job-actions" data-testid="job-actions" role="group" aria-label={`Actions for ${job.id}`}>
      {retryable && (
        <>
          <button type="button" className={`button${size}`} onClick={() => setOpen('retry')} data-testid="action-retry">
            Retry
          </button>
          <button
            type="button"
            className={`button${size}`}
            onClick={() => setOpen('retryChanges')}
            data-testid="action-retry-changes"
            title="Retry with changes"
          >
            Retry with changes…
          </button>
        </>
      )}
      {live && (
        <>
          <button
            type="button"
            className={`button${size}`}
            onClick={() => setOpen('cancel')}
            data-testid="action-cancel"
          >
            Cancel
          </button>
          <button
            type="button"
            className={`button button-danger-outline${size}`}
            onClick={() => setOpen('terminate')}
            data-testid="action-terminate"
          >
            Terminate…
          </button>
        </>
      )}
      {dialogs}
    </div>
  );
}

/**
 * A "⋯" button and its menu (role="menu"): arrow keys move, Escape closes and returns to the
 * button. The menu is drawn over the page, so that a scrolling table does not clip it.
 */
function RowMenu<T extends string>({
  label,
  items,
  onSelect,
}: {
  label: string;
  items: Array<{ action: T; label: string; danger?: boolean }>;
  onSelect: (action: T) => void;
}) {
  const [open, setOpen] = useState(false);
  const [position, setPosition] = useState<{ top: number; right: number } | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const id = useId();

  useLayoutEffect(() => {
    if (!open || !button.current) return;
    const rect = button.current.getBoundingClientRect();
    setPosition({ top: rect.bottom + 4, right: Math.max(8, window.innerWidth - rect.right) });
  }, [open]);

  // Once placed (a hidden menu takes no focus), the first item has the focus.
  useEffect(() => {
    if (open && position) menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [open, position]);

  useEffect(() => {
    if (!open) return;
    const close = (event: Event) => {
      if (
        event.type === 'mousedown' &&
        (menu.current?.contains(event.target as Node) || button.current?.contains(event.target as Node))
      )
        return;
      setOpen(false);
      setPosition(null);
    };
    document.addEventListener('mousedown', close);
    window.addEventListener('resize', close);
    window.addEventListener('scroll', close, true);
    return () => {
      document.removeEventListener('mousedown', close);
      window.removeEventListener('resize', close);
      window.removeEventListener('scroll', close, true);
    };
  }, [open]);

  const onKeyDown = (event: React.KeyboardEvent) => {
    const entries = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const index = entries.indexOf(document.activeElement as HTMLElement);
    if (event.key === 'Escape' || event.key === 'Tab') {
      event.preventDefault();
      setOpen(false);
      setPosition(null);
      button.current?.focus();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const next = (index + (event.key === 'ArrowDown' ? 1 : -1) + entries.length) % entries.length;
      entries[next]?.focus();
    }
  };

  return (
    <>
      <button
        ref={button}
        type="button"
        className="button button-small row-menu-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        aria-label={label}
        title="Actions"
        onClick={() => {
          setPosition(null);
          setOpen((value) => !value);
        }}
        data-testid="action-menu"
      >
        <span aria-hidden="true">⋯</span>
      </button>
      {open &&
        createPortal(
          <div
            ref={menu}
            id={id}
            role="menu"
            aria-label={label}
            className="row-menu"
            style={position ? { top: position.top, right: position.right } : { visibility: 'hidden' }}
            onKeyDown={onKeyDown}
            data-testid="action-menu-items"
          >
            {items.map((item) => (
              <button
                key={item.action}
                type="button"
                role="menuitem"
                className={`row-menu-item${item.danger ? ' row-menu-danger' : ''}`}
                onClick={() => {
                  setOpen(false);
                  setPosition(null);
                  button.current?.focus(); // where focus returns when the dialog closes
                  onSelect(item.action);
                }}
                data-testid={`action-${item.action === 'retryChanges' ? 'retry-changes' : item.action}`}
              >
                {item.label}
              </button>
            ))}
          </div>,
          document.body,
        )}
    </>
  );
}

function RetryDialog({ job, onClose }: { job: ActionJob; onClose: () => void }) {
  const toast = useToast();
  const invalidate = useInvalidateJobs();
  const retry = trpc.jobs.retry.useMutation();
  const confirm = () =>
    retry.mutate(
      { id: job.id },
      {
        onSuccess: (result) => {
          invalidate(job.id, result.id);
          toast.push({ tone: 'ok', title: `Retried ${job.id}`, body: <RetriedAs id={result.id} /> });
          onClose();
        },
        onError: (error) => {
          toast.push({ tone: 'error', title: `Could not retry ${job.id}`, body: messageOf(error) });
          onClose();
        },
      },
    );
  return (
    <ConfirmDialog
      title="Retry this job?"
      confirmLabel="Retry"
      busyLabel="Retrying…"
      busy={retry.isPending}
      onConfirm={confirm}
      onClose={onClose}
      testId="retry-dialog"
    >
      <p data-testid="dialog-effect">
        Retry {shortId(job.id)}? A new <code>{job.type}</code> job starts with the same input, priority and attempts.{' '}
        {`This one stays ${job.state.replace('_', ' ')} and links to the new one as “retried as”.`}
      </p>
      <p className="muted small">
        No single `temporal` command does this: Jobdeck starts a new workflow and records the link both ways.
      </p>
    </ConfirmDialog>
  );
}

function RetriedAs({ id }: { id: string }) {
  return (
    <>
      new job{' '}
      <Link to={`/jobs/${encodeURIComponent(id)}`} className="mono" data-testid="toast-job-link">
        {id}
      </Link>
    </>
  );
}

function CancelDialog({ job, onClose }: { job: ActionJob; onClose: () => void }) {
  const toast = useToast();
  const invalidate = useInvalidateJobs();
  const cancel = trpc.jobs.cancel.useMutation();
  const confirm = () =>
    cancel.mutate(
      { id: job.id },
      {
        onSuccess: (result) => {
          invalidate(job.id);
          toast.push({
            tone: 'ok',
            title: `Cancelling ${job.id}`,
            body: 'Cancellation requested: the job ends as cancelled once its activity has cleaned up.',
            cli: result.cli,
          });
          onClose();
        },
        onError: (error) => {
          toast.push({ tone: 'error', title: `Could not cancel ${job.id}`, body: messageOf(error) });
          onClose();
        },
      },
    );
  return (
    <ConfirmDialog
      title="Cancel this job?"
      confirmLabel="Cancel job"
      busyLabel="Cancelling…"
      dismissLabel="Keep it"
      tone="danger"
      busy={cancel.isPending}
      onConfirm={confirm}
      onClose={onClose}
      cli={cli.cancel(job.id)}
      testId="cancel-dialog"
    >
      <p data-testid="dialog-effect">
        Cancel {shortId(job.id)}? {cancelEffect(job.state)}
      </p>
    </ConfirmDialog>
  );
}

function TerminateDialog({ job, actor, onClose }: { job: ActionJob; actor: string | undefined; onClose: () => void }) {
  const id = useId();
  const toast = useToast();
  const invalidate = useInvalidateJobs();
  const terminate = trpc.jobs.terminate.useMutation();
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  const tooShort = reason.trim().length < 3;
  const fieldError =
    issuesOf(terminate.error).find((issue) => issue.path[0] === 'reason')?.message ??
    (touched && tooShort ? 'say why, in a few words (3 characters at least)' : null);

  const confirm = () => {
    setTouched(true);
    if (tooShort) return;
    terminate.mutate(
      { id: job.id, reason: reason.trim() },
      {
        onSuccess: (result) => {
          invalidate(job.id);
          toast.push({
            tone: 'ok',
            title: `Terminated ${job.id}`,
            body: 'The workflow was ended at once; no cleanup ran.',
            cli: result.cli,
          });
          onClose();
        },
        onError: (error) => {
          if (httpStatusOf(error) === 400) return; // shown by the field
          toast.push({ tone: 'error', title: `Could not terminate ${job.id}`, body: messageOf(error) });
          onClose();
        },
      },
    );
  };

  return (
    <ConfirmDialog
      title="Terminate this job?"
      confirmLabel="Terminate"
      busyLabel="Terminating…"
      dismissLabel="Keep it"
      tone="danger"
      busy={terminate.isPending}
      onConfirm={confirm}
      onClose={onClose}
      cli={cli.terminate(job.id, reasons.terminate(reason.trim() || '<reason>', actor))}
      error={terminate.error && httpStatusOf(terminate.error) !== 400 ? terminate.error : null}
      testId="terminate-dialog"
    >
      <p data-testid="dialog-effect">
        Terminate {shortId(job.id)}? Temporal ends the workflow at once: no cleanup runs, the activity stops wherever it
        is, and the job ends as terminated with your reason recorded. Prefer Cancel unless the job ignores cancellation.
      </p>
      <label className="field">
        <span>Reason (required)</span>
        <input
          type="text"
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          onBlur={() => setTouched(true)}
          maxLength={500}
          placeholder="e.g. stuck on a dead upstream, cancel ignored"
          aria-invalid={!!fieldError}
          aria-describedby={fieldError ? `${id}-reason-error` : undefined}
          data-testid="terminate-reason"
          data-autofocus
        />
        {fieldError && (
          <ul className="field-errors" id={`${id}-reason-error`} data-testid="field-error-reason">
            <li>{fieldError}</li>
          </ul>
        )}
      </label>
    </ConfirmDialog>
  );
}

type RetryField =
  'priority' | 'maxAttempts' | 'initialIntervalMs' | 'backoffCoefficient' | 'maximumIntervalMs' | 'input' | 'form';
type RetryErrors = Partial<Record<RetryField, string[]>>;
type RetryChangesInput = NonNullable<RouterInputs['jobs']['retry']['changes']>;

function retryFieldOf(issue: Issue): RetryField {
  const [head, field, sub] = issue.path;
  if (head !== 'changes') return 'form';
  if (field === 'backoff')
    return sub === 'initialIntervalMs' || sub === 'backoffCoefficient' || sub === 'maximumIntervalMs' ? sub : 'form';
  if (field === 'priority' || field === 'maxAttempts' || field === 'input') return field;
  return 'form';
}

function describeIssue(issue: Issue): string {
  const path = issue.path[0] === 'changes' ? issue.path.slice(1) : issue.path;
  return path.length ? `${path.join('.')}: ${issue.message}` : issue.message;
}

function RetryChangesDialog({ job, onClose }: { job: ActionJob; onClose: () => void }) {
  const id = useId();
  const toast = useToast();
  const invalidate = useInvalidateJobs();
  const retry = trpc.jobs.retry.useMutation();
  const detail = trpc.jobs.get.useQuery({ id: job.id }, { staleTime: 10_000 });
  const types = trpc.jobs.types.useQuery(undefined, { staleTime: 10 * 60_000 });
  const defaults = types.data?.find((type) => type.type === job.type)?.retry;

  const [priority, setPriority] = useState('');
  const [maxAttempts, setMaxAttempts] = useState('');
  const [initial, setInitial] = useState('');
  const [coefficient, setCoefficient] = useState('');
  const [maximum, setMaximum] = useState('');
  const [input, setInput] = useState('{}');
  const [supersede, setSupersede] = useState(false);
  const [errors, setErrors] = useState<RetryErrors>({});

  let overrides: Record<string, unknown> | null = null;
  try {
    const parsed: unknown = JSON.parse(input || '{}');
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) overrides = parsed as Record<string, unknown>;
  } catch {
    overrides = null;
  }
  const currentPriority = job.priority ?? detail.data?.priority;
  const currentAttempts = job.maxAttempts ?? detail.data?.maxAttempts;

  const submit = () => {
    const found: RetryErrors = {};
    const number = (value: string, field: RetryField, label: string, integer: boolean): number | undefined => {
      if (value.trim() === '') return undefined;
      const parsed = Number(value);
      if (!Number.isFinite(parsed) || (integer && !Number.isInteger(parsed))) {
        (found[field] ??= []).push(`${label}: ${integer ? 'a whole number' : 'a number'}`);
        return undefined;
      }
      return parsed;
    };
    const changes: RetryChangesInput = { supersede };
    if (priority) changes.priority = priority as RetryChangesInput['priority'];
    const attempts = number(maxAttempts, 'maxAttempts', 'maxAttempts', true);
    if (attempts !== undefined) changes.maxAttempts = attempts;
    const backoff = {
      initialIntervalMs: number(initial, 'initialIntervalMs', 'initialIntervalMs', true),
      backoffCoefficient: number(coefficient, 'backoffCoefficient', 'backoffCoefficient', false),
      maximumIntervalMs: number(maximum, 'maximumIntervalMs', 'maximumIntervalMs', true),
    };
    const setBackoff = Object.fromEntries(Object.entries(backoff).filter(([, value]) => value !== undefined));
    if (Object.keys(setBackoff).length) changes.backoff = setBackoff;
    if (!overrides) found.input = ['input: a JSON object, such as {"records": 100}'];
    else if (Object.keys(overrides).length) changes.input = overrides;
    setErrors(found);
    if (Object.keys(found).length) return;

    retry.mutate(
      { id: job.id, changes },
      {
        onSuccess: (result) => {
          invalidate(job.id, result.id);
          toast.push({
            tone: 'ok',
            title: `Retried ${job.id} with changes`,
            body: (
              <>
                <RetriedAs id={result.id} />
                {result.superseded ? '; the original is marked superseded' : ''}
              </>
            ),
          });
          onClose();
        },
        onError: (error) => {
          const next: RetryErrors = {};
          for (const issue of issuesOf(error)) (next[retryFieldOf(issue)] ??= []).push(describeIssue(issue));
          if (!Object.keys(next).length) {
            const message = messageOf(error);
            // The job type's own schema refuses the merged input: "input.records: Too big".
            if (httpStatusOf(error) === 400 && /^input\b/.test(message)) next.input = message.split('; ');
            else if (httpStatusOf(error) === 400) next.form = [message];
            else {
              toast.push({ tone: 'error', title: `Could not retry ${job.id}`, body: message });
              onClose();
              return;
            }
          }
          setErrors(next);
        },
      },
    );
  };

  const described = (field: RetryField) => (errors[field]?.length ? `${id}-${field}-errors` : undefined);
  /** Editing a field takes its old complaint away. */
  const edit = (field: RetryField, set: (value: string) => void) => (value: string) => {
    set(value);
    setErrors((current) =>
      current[field] || current.form ? { ...current, [field]: undefined, form: undefined } : current,
    );
  };
  const numberField = (
    field: RetryField,
    label: string,
    value: string,
    set: (value: string) => void,
    placeholder: string | number | undefined,
    step = '1',
  ) => (
    <label className="field">
      <span>{label}</span>
      <input
        type="number"
        inputMode="decimal"
        step={step}
        value={value}
        onChange={(event) => edit(field, set)(event.target.value)}
        placeholder={placeholder === undefined ? 'unchanged' : `${placeholder} (unchanged)`}
        aria-invalid={!!errors[field]?.length}
        aria-describedby={described(field)}
        data-testid={`retry-${field}`}
      />
      <FieldError errors={errors} field={field} id={`${id}-${field}-errors`} />
    </label>
  );

  return (
    <ConfirmDialog
      title="Retry this job with changes"
      confirmLabel="Retry with these changes"
      busyLabel="Retrying…"
      busy={retry.isPending}
      onConfirm={submit}
      onClose={onClose}
      testId="retry-changes-dialog"
      wide
    >
      <p>
        Retry {shortId(job.id)}: a new <code>{job.type}</code> job starts with the original input merged with your
        overrides; empty fields keep the original values. This job stays as it is and links to the new one.
      </p>
      <div className="form-grid">
        <label className="field">
          <span>Priority</span>
          <select
            value={priority}
            onChange={(event) => edit('priority', setPriority)(event.target.value)}
            data-testid="retry-priority"
            aria-describedby={described('priority')}
            data-autofocus
          >
            <option value="">{currentPriority ? `${currentPriority} (unchanged)` : 'unchanged'}</option>
            {PRIORITIES.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
          <FieldError errors={errors} field="priority" id={`${id}-priority-errors`} />
        </label>
        {numberField(
          'maxAttempts',
          'Max attempts',
          maxAttempts,
          setMaxAttempts,
          currentAttempts ?? defaults?.maxAttempts,
        )}
      </div>
      <fieldset className="fieldset">
        <legend>Backoff between attempts</legend>
        <div className="form-grid">
          {numberField('initialIntervalMs', 'Initial interval (ms)', initial, setInitial, defaults?.initialIntervalMs)}
          {numberField(
            'backoffCoefficient',
            'Coefficient',
            coefficient,
            setCoefficient,
            defaults?.backoffCoefficient,
            'any',
          )}
          {numberField('maximumIntervalMs', 'Maximum interval (ms)', maximum, setMaximum, defaults?.maximumIntervalMs)}
        </div>
      </fieldset>
      <label className="field">
        <span>
          Input overrides <span className="muted">(JSON, merged into the original)</span>
        </span>
        <textarea
          className="mono"
          rows={4}
          spellCheck={false}
          value={input}
          onChange={(event) => edit('input', setInput)(event.target.value)}
          aria-invalid={!!errors.input?.length}
          aria-describedby={described('input')}
          data-testid="retry-input"
        />
        <FieldError errors={errors} field="input" id={`${id}-input-errors`} />
      </label>
      {detail.data && (
        <details className="merge-preview">
          <summary>Input the retry will run with</summary>
          <pre className="code-block" data-testid="retry-input-preview">
            {overrides ? json(mergeInput(detail.data.input, overrides)) : 'the overrides are not a JSON object yet'}
          </pre>
        </details>
      )}
      <label className="checkbox">
        <input
          type="checkbox"
          checked={supersede}
          onChange={(event) => setSupersede(event.target.checked)}
          data-testid="retry-supersede"
        />
        <span>Mark the original as superseded</span>
      </label>
      <FieldError errors={errors} field="form" id={`${id}-form-errors`} />
    </ConfirmDialog>
  );
}

/** "retry of …", "retried as …" and "superseded", on the job page. */
export function JobLineage({
  job,
}: {
  job: { retryOfId?: string | null; retriedAsId?: string | null; supersededAt?: string | null };
}) {
  if (!job.retryOfId && !job.retriedAsId && !job.supersededAt) return null;
  return (
    <p className="lineage" data-testid="job-lineage">
      {job.supersededAt && (
        <span data-testid="job-superseded" title={`superseded ${new Date(job.supersededAt).toLocaleString()}`}>
          <StatusBadge tone="idle">superseded</StatusBadge>
        </span>
      )}
      {job.retryOfId && (
        <span>
          retry of{' '}
          <Link to={`/jobs/${encodeURIComponent(job.retryOfId)}`} className="mono" data-testid="job-retry-of">
            {job.retryOfId}
          </Link>
        </span>
      )}
      {job.retriedAsId && (
        <span>
          retried as{' '}
          <Link to={`/jobs/${encodeURIComponent(job.retriedAsId)}`} className="mono" data-testid="job-retried-as">
            {job.retriedAsId}
          </Link>
        </span>
      )}
    </p>
  );
}
