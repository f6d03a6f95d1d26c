import { useEffect, useState, type FormEvent } from 'react';
import { trpc } from '../../trpc';
import { draftOf, filterOf, isFiltered, type AuditDraft, type AuditFilter } from './audit-filter';

export function AuditFilters({ filter, onChange }: { filter: AuditFilter; onChange: (next: AuditFilter) => void }) {
  // The actions the server has recorded, as suggestions.
  const actions = trpc.audit.actions.useQuery(undefined, { staleTime: Infinity });
  const [draft, setDraft] = useState<AuditDraft>(() => draftOf(filter));
  // The URL changed elsewhere (a link in a row, back/forward): show what is applied.
  const applied = JSON.stringify(filter);
  useEffect(() => setDraft(draftOf(JSON.parse(applied) as AuditFilter)), [applied]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChange(filterOf(draft));
  };
  const input = (
    key: keyof AuditDraft,
    label: string,
    props: { type: string; placeholder?: string; list?: string },
  ) => (
    <label className="field">
      <span>{label}</span>
      <input
        {...props}
        value={draft[key]}
        onChange={(event) => setDraft((value) => ({ ...value, [key]: event.target.value }))}
        data-testid={`audit-filter-${key}`}
      />
    </label>
  );

  return (
    <form className="audit-filters" role="search" onSubmit={submit} data-testid="audit-filters">
      {input('actor', 'Actor', { type: 'text', placeholder: 'admin@localhost or token:name' })}
      {input('action', 'Action', { type: 'text', placeholder: 'e.g. jobs.cancel', list: 'audit-actions' })}
      <datalist id="audit-actions">
        {(actions.data ?? []).map((action) => (
          <option key={action} value={action} />
        ))}
      </datalist>
      {input('target', 'Target', { type: 'text', placeholder: 'a job id, queue, email…' })}
      <label className="field">
        <span>Outcome</span>
        <select
          value={draft.outcome}
          onChange={(event) => setDraft((value) => ({ ...value, outcome: event.target.value }))}
          data-testid="audit-filter-outcome"
        >
          <option value="">any</option>
          <option value="ok">ok</option>
          <option value="error">refused or failed</option>
        </select>
      </label>
      {input('from', 'From', { type: 'datetime-local' })}
      {input('to', 'To', { type: 'datetime-local' })}
      <div className="form-actions audit-filter-actions">
        <button type="submit" className="button button-primary" data-testid="audit-filter-apply">
          Apply
        </button>
        {isFiltered(filter) && (
          <button
            type="button"
            className="button button-ghost"
            onClick={() => onChange({})}
            data-testid="audit-filter-clear"
          >
            Clear filters
          </button>
        )}
      </div>
    </form>
  );
}
