import { useState } from 'react';
import { Link } from 'react-router';
import { messageOf } from '../../lib/errors';
import { trpc, type RouterOutputs } from '../../trpc';
import { ListState } from '../ListState';
import { DeleteTemplateDialog } from './DeleteTemplateDialog';
import { TemplateForm } from './TemplateForm';
import './TemplatesPanel.css';
import { ToggleButton } from '../ToggleButton';

type Template = RouterOutputs['templates']['list'][number];

/** Named job templates: list, create, run now. */
export function TemplatesPanel() {
  const templates = trpc.templates.list.useQuery();
  const run = trpc.templates.run.useMutation();
  const [open, setOpen] = useState(false);
  const [deleting, setDeleting] = useState<Template | null>(null);
  const [ran, setRan] = useState<{ template: string; jobId: string } | null>(null);
  const [runError, setRunError] = useState<string | null>(null);

  const runNow = (template: Template) =>
    run.mutate(
      { id: template.id },
      {
        onSuccess: (job) => (setRunError(null), setRan({ template: template.name, jobId: job.id })),
        onError: (error) => setRunError(messageOf(error)),
      },
    );

  return (
    <section className="section" aria-labelledby="templates-title" data-testid="templates-section">
      <div className="panel-header">
        <h2 id="templates-title">Templates</h2>
        <ToggleButton open={open} onToggle={setOpen} label="New template" testId="template-toggle" />
      </div>
      {open && <TemplateForm onSaved={() => setOpen(false)} />}
      {ran && (
        <p className="form-success" role="status" data-testid="template-run-result">
          {ran.template}: enqueued <Link to={`/jobs/${encodeURIComponent(ran.jobId)}`}>{ran.jobId}</Link>
        </p>
      )}
      {runError && (
        <p className="form-error" role="alert" data-testid="template-errors">
          {runError}
        </p>
      )}
      <ListState
        query={templates}
        noun="templates"
        loadingRows={2}
        empty={
          <p className="muted">
            No templates yet. A template names a job type with its input and options, to run now or to schedule.
          </p>
        }
      >
        {(list) => (
          <ul className="template-list">
            {list.map((template) => (
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
                    onClick={() => runNow(template)}
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
                    onClick={() => setDeleting(template)}
                    data-testid="template-delete"
                  >
                    Delete…
                  </button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </ListState>
      {deleting && <DeleteTemplateDialog template={deleting} onClose={() => setDeleting(null)} />}
    </section>
  );
}
