import { mergeInput } from '@jobdeck/workflows/merge-input';
import { useId, useState } from 'react';
import { httpStatusOf, issuesOf, messageOf } from '../../lib/errors';
import { json } from '../../lib/format';
import { trpc } from '../../trpc';
import { ConfirmDialog } from '../dialog/ConfirmDialog';
import { useDialogOutcome } from '../dialog/useDialogOutcome';
import { FieldError } from '../FormErrors';
import { JsonInputField, PrioritySelect } from '../JobFields';
import { errorIdOf, FormFields, TextField } from '../TextField';
import { DialogJobId, type JobDialogProps } from './action-job';
import { RetriedAs } from './JobLineage';
import {
  parseOverrides,
  retryChangesOf,
  retryErrorsOf,
  type RetryDraft,
  type RetryErrors,
  type RetryField,
} from './retry-changes';
import { useInvalidateJobs } from './useInvalidateJobs';

const EMPTY_DRAFT: RetryDraft = {
  priority: '',
  maxAttempts: '',
  initialIntervalMs: '',
  backoffCoefficient: '',
  maximumIntervalMs: '',
  input: '{}',
  supersede: false,
};

export function RetryChangesDialog({ job, onClose }: JobDialogProps) {
  const id = useId();
  const outcome = useDialogOutcome(onClose);
  const invalidate = useInvalidateJobs();
  const retry = trpc.jobs.retry.useMutation();
  const detail = trpc.jobs.get.useQuery({ id: job.id }, { staleTime: 10_000 });
  const types = trpc.jobs.types.useQuery(undefined, { staleTime: 10 * 60_000 });
  const defaults = types.data?.find((type) => type.type === job.type)?.retry;
  const [draft, setDraft] = useState<RetryDraft>(EMPTY_DRAFT);
  const [errors, setErrors] = useState<RetryErrors>({});
  const overrides = parseOverrides(draft.input);
  const currentPriority = job.priority ?? detail.data?.priority;
  const currentAttempts = job.maxAttempts ?? detail.data?.maxAttempts;

  const submit = () => {
    const { changes, errors: found } = retryChangesOf(draft);
    setErrors(found);
    if (Object.keys(found).length) return;
    retry.mutate(
      { id: job.id, changes },
      {
        onSuccess: (result) => {
          invalidate(job.id, result.id);
          outcome.succeeded({
            title: `Retried ${job.id} with changes`,
            body: (
              <>
                <RetriedAs id={result.id} />
                {result.superseded ? '; the original is marked superseded' : ''}
              </>
            ),
          });
        },
        onError: (error) => {
          const refused = retryErrorsOf(issuesOf(error), httpStatusOf(error), messageOf(error));
          if (refused) setErrors(refused);
          else outcome.failed(`Could not retry ${job.id}`)(error);
        },
      },
    );
  };

  /** Editing a field takes its old complaint away. */
  const edit = (field: RetryField & keyof RetryDraft) => (value: string) => {
    setDraft((current) => ({ ...current, [field]: value }));
    setErrors((current) =>
      current[field] || current.form ? { ...current, [field]: undefined, form: undefined } : current,
    );
  };
  const numberField = (
    field: 'maxAttempts' | 'initialIntervalMs' | 'backoffCoefficient' | 'maximumIntervalMs',
    label: string,
    placeholder: string | number | undefined,
    step = '1',
  ) => (
    <TextField
      label={label}
      field={field}
      type="number"
      inputMode="decimal"
      step={step}
      value={draft[field]}
      onChange={(event) => edit(field)(event.target.value)}
      placeholder={placeholder === undefined ? 'unchanged' : `${placeholder} (unchanged)`}
      data-testid={`retry-${field}`}
    />
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
      <FormFields formId={id} errors={errors}>
        <p>
          Retry <DialogJobId id={job.id} />: a new <code>{job.type}</code> job starts with the original input merged
          with your overrides; empty fields keep the original values. This job stays as it is and links to the new one.
        </p>
        <div className="form-grid">
          <PrioritySelect
            value={draft.priority}
            onChange={edit('priority')}
            testId="retry-priority"
            unchanged={currentPriority ? `${currentPriority} (unchanged)` : 'unchanged'}
            autoFocus
            field="priority"
          />
          {numberField('maxAttempts', 'Max attempts', currentAttempts ?? defaults?.maxAttempts)}
        </div>
        <fieldset className="fieldset">
          <legend>Backoff between attempts</legend>
          <div className="form-grid">
            {numberField('initialIntervalMs', 'Initial interval (ms)', defaults?.initialIntervalMs)}
            {numberField('backoffCoefficient', 'Coefficient', defaults?.backoffCoefficient, 'any')}
            {numberField('maximumIntervalMs', 'Maximum interval (ms)', defaults?.maximumIntervalMs)}
          </div>
        </fieldset>
        <JsonInputField
          label="Input overrides"
          hint="JSON, merged into the original"
          value={draft.input}
          onChange={edit('input')}
          testId="retry-input"
          field="input"
        />
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
            checked={draft.supersede}
            onChange={(event) => setDraft((current) => ({ ...current, supersede: event.target.checked }))}
            data-testid="retry-supersede"
          />
          <span>Mark the original as superseded</span>
        </label>
        <FieldError errors={errors} field="form" id={errorIdOf(id, 'form')} />
      </FormFields>
    </ConfirmDialog>
  );
}
