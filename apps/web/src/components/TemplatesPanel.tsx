import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { issuesOf, messageOf } from '../lib/errors';
import { json } from '../lib/format';
import { trpc, type RouterInputs } from '../trpc';
import { ErrorBox } from './ErrorBox';
import { Loading } from './Loading';
import { PRIORITIES, type Priority } from '@jobdeck/workflows/vocabulary';

/** Named job templates: list, create, run now. */
export function TemplatesPanel() {
  const utils = trpc.useUtils();
  const templates = trpc.templates.list.useQuery();
  const types = trpc.jobs.types.useQuery(undefined, { staleTime: 10 * 60_000 });
  const create = trpc.templates.create.useMutation({ onSuccess: () => void utils.templates.list.invalidate() });
  const run = trpc.templates.run.useMutation();
  const remove = trpc.templates.delete.useMutation({ onSuccess: () => void utils.templates.list.invalidate() });
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [type, setType] = useState('data.sync');
  const [input, setInput] = useState('');
  const [priority, setPriority] = useState<Priority>('normal');
  const [errors, setErrors] = useState<string[]>([]);
  const [ran, setRan] = useState<{ template: string; jobId: string } | null>(null);

  const example = types.data?.find((candidate) => candidate.type === type)?.example;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(input || json(example ?? {}));
    } catch (error) {
      setErrors([`input: not valid JSON (${(error as Error).message})`]);
      return;
    }
    setErrors([]);
    create.mutate({ name, type, input: parsed, options: { priority } } as RouterInputs['templates']['create'], {
      onSuccess: () => (setOpen(false), setName(''), setInput('')),
      onError: (error) =>
        setErrors(
          issuesOf(error).length
            ? issuesOf(error).map((issue) => `${issue.path.join('.')}: ${issue.message}`)
            : [messageOf(error)],
        ),
    });
  };

  return (
    <section className="section" aria-labelledby="templates-title" data-testid="templates-section">
      <div className="panel-header">
        <h2 id="templates-title">Templates</h2>
        <button
          type="button"
          className="button"
          onClick={() => setOpen((value) => !value)}
          data-testid="template-toggle"
        >
          {open ? 'Close' : 'New template'}
        </button>
      </div>
      {open && (
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
            <label className="field">
              <span>Job type</span>
              <select
                value={type}
                onChange={(event) => (setType(event.target.value), setInput(''))}
                data-testid="template-type"
              >
                {types.data?.map((candidate) => (
                  <option key={candidate.type} value={candidate.type}>
                    {candidate.type}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>Priority</span>
              <select value={priority} onChange={(event) => setPriority(event.target.value as Priority)}>
                {PRIORITIES.map((value) => (
                  <option key={value}>{value}</option>
                ))}
              </select>
            </label>
          </div>
          <label className="field">
            <span>Input (JSON)</span>
            <textarea
              className="mono"
              rows={5}
              value={input || json(example ?? {})}
              onChange={(event) => setInput(event.target.value)}
              spellCheck={false}
              data-testid="template-input"
            />
          </label>
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
      )}
      {ran && (
        <p className="form-success" role="status" data-testid="template-run-result">
          {ran.template}: enqueued <Link to={`/jobs/${encodeURIComponent(ran.jobId)}`}>{ran.jobId}</Link>
        </p>
      )}
      {templates.error ? (
        <ErrorBox
          error={templates.error}
          title="Could not load the templates"
          onRetry={() => void templates.refetch()}
        />
      ) : !templates.data ? (
        <Loading rows={2} label="Loading templates…" />
      ) : templates.data.length === 0 ? (
        <p className="muted">
          No templates yet. A template names a job type with its input and options, to run now or to schedule.
        </p>
      ) : (
        <ul className="template-list">
          {templates.data.map((template) => (
            <li key={template.id} className="template-item" data-testid="template-row" data-name={template.name}>
              <div>
                <strong>{template.name}</strong> <code>{template.type}</code>
                {template.options.priority && <span className="muted small"> · {template.options.priority}</span>}
                <p className="muted small mono template-input">{JSON.stringify(template.input)}</p>
              </div>
              <div className="schedule-actions">
                <button
                  type="button"
                  className="button button-small button-primary"
                  disabled={run.isPending}
                  onClick={() =>
                    run.mutate(
                      { id: template.id },
                      {
                        onSuccess: (job) => setRan({ template: template.name, jobId: job.id }),
                        onError: (error) => setErrors([messageOf(error)]),
                      },
                    )
                  }
                  data-testid="template-run"
                >
                  Run now
                </button>
                <Link className="button button-small" to={`/schedules?new=1&template=${template.id}`}>
                  Schedule…
                </Link>
                <button
                  type="button"
                  className="button button-small button-danger"
                  onClick={() =>
                    window.confirm(`Delete template ${template.name}?`) && remove.mutate({ id: template.id })
                  }
                >
                  Delete
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
