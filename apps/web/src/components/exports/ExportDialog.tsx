import { useState } from 'react';
import { Link } from 'react-router';
import {
  DIRECT_EXPORT_LIMIT,
  EXPORT_FIELDS,
  EXPORT_FORMATS,
  type ExportField,
  type ExportFormat,
} from '@jobdeck/workflows/vocabulary';
import { ConfirmButtons, DialogError } from '../dialog/ConfirmDialog';
import { Dialog } from '../dialog/Dialog';
import { useToast } from '../toasts/Toasts';
import { describeIssue, issuesOf } from '../../lib/errors';
import type { JobSearch, SearchTotal } from '../../pages/search/search-types';
import { downloadFile } from './download';
import { useCreateExport } from './use-exports';
import './Exports.css';

const FORMAT_LABELS: Record<ExportFormat, string> = { csv: 'CSV', json: 'JSON', ndjson: 'NDJSON', xlsx: 'Excel' };
const compact = new Intl.NumberFormat('en');

/**
 * Exporting the jobs a search finds: a format, the fields, and optionally each job's input (secrets
 * redacted) and logs. A small export downloads at once; a larger one runs as a background job, listed
 * on the Exports page (operators and admins: a viewer is told the API's refusal).
 */
export function ExportDialog({
  search,
  total,
  onClose,
}: {
  search: JobSearch;
  total: SearchTotal | null | undefined;
  onClose: () => void;
}) {
  const toast = useToast();
  const create = useCreateExport();
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [fields, setFields] = useState<ExportField[]>([...EXPORT_FIELDS]);
  const [withInput, setWithInput] = useState(false);
  const [withLogs, setWithLogs] = useState(false);
  const toggle = (field: ExportField, on: boolean) =>
    setFields(EXPORT_FIELDS.filter((name) => (name === field ? on : fields.includes(name))));

  const [downloading, setDownloading] = useState(false);
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const busy = create.isPending || downloading;

  const submit = () => {
    if (busy || !fields.length) return;
    setDownloadError(null);
    create.mutate(
      { search, format, fields, withInput, withLogs },
      {
        onSuccess: (answer) => {
          if (answer.mode === 'download') {
            setDownloading(true);
            downloadFile(answer.url)
              .then(() => {
                toast.push({ tone: 'ok', title: `Export downloaded (${FORMAT_LABELS[format]})` });
                onClose();
              })
              .catch(setDownloadError)
              .finally(() => setDownloading(false));
            return;
          }
          toast.push({
            tone: 'info',
            title: 'Export started',
            body: (
              <>
                It runs in the background:{' '}
                <Link to="/exports" data-testid="toast-exports-link">
                  the Exports page
                </Link>{' '}
                has its file when it is ready.
              </>
            ),
          });
          onClose();
        },
      },
    );
  };

  const large = total && total.count > DIRECT_EXPORT_LIMIT;
  return (
    <Dialog
      title="Export these jobs"
      onClose={onClose}
      busy={busy}
      onSubmit={submit}
      testId="export-dialog"
      wide
      footer={
        <ConfirmButtons
          confirmLabel={busy ? 'Exporting…' : 'Export'}
          busy={busy}
          confirmDisabled={!fields.length}
          onClose={onClose}
        />
      }
    >
      <p className="muted small" data-testid="export-size">
        {total ? `${total.exact ? '' : 'about '}${compact.format(total.count)} jobs. ` : ''}
        Up to {compact.format(DIRECT_EXPORT_LIMIT)} rows download at once;
        {large ? ' this many' : ' more'} run as a background export (operators and admins), kept for a while on the
        Exports page.
      </p>
      <fieldset className="fieldset">
        <legend>Format</legend>
        <div className="export-formats" role="radiogroup">
          {EXPORT_FORMATS.map((value) => (
            <label key={value} className="checkbox">
              <input
                type="radio"
                name="export-format"
                value={value}
                checked={format === value}
                onChange={() => setFormat(value)}
                data-testid={`export-format-${value}`}
              />
              {FORMAT_LABELS[value]}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset className="fieldset">
        <legend>
          Fields{' '}
          <button type="button" className="link-button small" onClick={() => setFields([...EXPORT_FIELDS])}>
            all
          </button>{' '}
          <button type="button" className="link-button small" onClick={() => setFields([])}>
            none
          </button>
        </legend>
        <div className="export-fields" data-testid="export-fields">
          {EXPORT_FIELDS.map((field) => (
            <label key={field} className="checkbox">
              <input
                type="checkbox"
                checked={fields.includes(field)}
                onChange={(event) => toggle(field, event.target.checked)}
                data-testid="export-field"
                data-field={field}
              />
              <code>{field}</code>
            </label>
          ))}
        </div>
        {!fields.length && <p className="field-errors">Choose at least one field.</p>}
      </fieldset>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={withInput}
          onChange={(event) => setWithInput(event.target.checked)}
          data-testid="export-with-input"
        />
        Include each job’s input (secret fields redacted)
      </label>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={withLogs}
          onChange={(event) => setWithLogs(event.target.checked)}
          data-testid="export-with-logs"
        />
        Include each job’s logs
      </label>
      {create.error && issuesOf(create.error).length ? (
        <ul className="field-errors" role="alert" data-testid="dialog-error">
          {issuesOf(create.error).map((issue) => (
            <li key={describeIssue(issue)}>{describeIssue(issue)}</li>
          ))}
        </ul>
      ) : (
        <DialogError error={create.error ?? downloadError} />
      )}
    </Dialog>
  );
}
