import type { Priority } from '@jobdeck/workflows/vocabulary';
import { useState, type FormEvent } from 'react';
import { describeIssue, issuesOf, messageOf } from '../../lib/errors';
import { json, parseJsonInput } from '../../lib/format';
import { trpc, type RouterInputs } from '../../trpc';
import { JobTypeSelect, JsonInputField, PrioritySelect } from '../JobFields';

/** A new template: a name, a job type with its input (its example until edited), and a priority. */
export function TemplateForm({ onSaved }: { onSaved: () => void }) {
  const utils = trpc.useUtils();
  const types = trpc.jobs.types.useQuery(undefined, { staleTime: 10 * 60_000 });
  const create = trpc.templates.create.useMutation({ onSuccess: () => void utils.templates.list.invalidate() });
  const [name, setName] = useState('');
  const [type, setType] = useState('data.sync');
  const [input, setInput] = useState('');
  const [priority, setPriority] = useState<Priority>('normal');
  const [errors, setErrors] = useState<string[]>([]);
  const example = json(types.data?.find((candidate) => candidate.type === type)?.example ?? {});

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseJsonInput(input || example);
    if (parsed.error) return setErrors([parsed.error]);
    setErrors([]);
    create.mutate({ name, type, input: parsed.value, options: { priority } } as RouterInputs['templates']['create'], {
      onSuccess: onSaved,
      onError: (error) => setErrors(issuesOf(error).length ? issuesOf(error).map(describeIssue) : [messageOf(error)]),
    });
  };

  return (
    <form className="panel" onSubmit={submit} noValidate data-testid="template-form">
      <div className="form-grid">
        <label className="field">
          <span>Name</span>
          <input
            value={name}
            onChange={(event) => setName(event.target.value)}
            maxLength={100}
            data-testid="template-name"
          />
        </label>
        <JobTypeSelect
          types={types.data ?? []}
          value={type}
          onChange={(next) => (setType(next), setInput(''))}
          testId="template-type"
        />
        <PrioritySelect value={priority} onChange={(value) => setPriority(value || 'normal')} />
      </div>
      <JsonInputField
        label="Input (JSON)"
        value={input || example}
        onChange={setInput}
        testId="template-input"
        minRows={5}
        maxRows={5}
      />
      {errors.length > 0 && (
        <ul className="field-errors" data-testid="template-errors">
          {errors.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={create.isPending || !name.trim()}
          data-testid="template-save"
        >
          {create.isPending ? 'Saving…' : 'Save template'}
        </button>
      </div>
    </form>
  );
}
