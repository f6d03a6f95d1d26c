import { useState } from 'react';
import { Link } from 'react-router';
import { ConfirmDialog } from '../dialog/ConfirmDialog';
import { ErrorBox } from '../ErrorBox';
import { Loading } from '../Loading';
import { StatusBadge } from '../StateBadge';
import { useToast } from '../toasts/Toasts';
import { messageOf } from '../../lib/errors';
import { sameSearch, searchUrl } from '../../pages/search/search-params';
import type { JobSearch, SavedView } from '../../pages/search/search-types';
import { useViewMutations, useViews } from './use-views';
import { ViewDialog } from './ViewDialog';
import './Views.css';

type Editing = { kind: 'save' } | { kind: 'edit'; view: SavedView } | { kind: 'delete'; view: SavedView };

function ViewItem({ view, active, onEdit }: { view: SavedView; active: boolean; onEdit: (next: Editing) => void }) {
  return (
    <li
      className={`view-item${active ? ' view-item-active' : ''}`}
      data-testid="view-item"
      data-view-id={view.id}
      data-shared={view.shared}
    >
      <Link
        to={view.search ? searchUrl(view.search) : '/search'}
        className="view-link"
        aria-current={active ? 'true' : undefined}
        data-testid="view-link"
        title={view.valid ? undefined : view.problem}
      >
        {view.name}
      </Link>
      <span className="view-meta">
        {view.shared && <StatusBadge tone="info">shared</StatusBadge>}
        {!view.mine && <span className="small muted">by {view.owner}</span>}
        {!view.valid && (
          <span className="small view-problem" data-testid="view-problem">
            {view.problem ?? 'no longer a valid search'}
          </span>
        )}
      </span>
      {view.mine && (
        <span className="view-actions">
          <button type="button" className="link-button small" onClick={() => onEdit({ kind: 'edit', view })}>
            Rename
          </button>
          <button
            type="button"
            className="link-button small danger"
            onClick={() => onEdit({ kind: 'delete', view })}
            data-testid="view-delete"
          >
            Delete
          </button>
        </span>
      )}
    </li>
  );
}

/** The saved views beside the search: one's own and the shared ones; a click opens a view's search. */
export function ViewsPanel({ search }: { search: JobSearch }) {
  const views = useViews();
  const { remove } = useViewMutations();
  const toast = useToast();
  const [editing, setEditing] = useState<Editing | null>(null);
  const list = views.data ?? [];
  const mine = list.filter((view) => view.mine);
  const others = list.filter((view) => !view.mine);
  const section = (title: string, items: SavedView[], testId: string) =>
    items.length > 0 && (
      <>
        <h3 className="views-heading">{title}</h3>
        <ul className="plain-list views-list" data-testid={testId}>
          {items.map((view) => (
            <ViewItem
              key={view.id}
              view={view}
              active={!!view.search && sameSearch(view.search, search)}
              onEdit={setEditing}
            />
          ))}
        </ul>
      </>
    );

  return (
    <section className="panel views-panel" aria-labelledby="views-title" data-testid="views-panel">
      <div className="panel-header">
        <h2 id="views-title">Saved views</h2>
        <button
          type="button"
          className="button button-small"
          onClick={() => setEditing({ kind: 'save' })}
          data-testid="save-view"
        >
          Save view
        </button>
      </div>
      {views.error ? (
        <ErrorBox error={views.error} title="Could not load the views" onRetry={() => void views.refetch()} />
      ) : !views.data ? (
        <Loading rows={2} />
      ) : list.length === 0 ? (
        <p className="muted small">No saved views yet: “Save view” keeps the current search under a name.</p>
      ) : (
        <>
          {section('Yours', mine, 'views-mine')}
          {section('Shared with you', others, 'views-shared')}
        </>
      )}
      {editing?.kind === 'save' && <ViewDialog search={search} onClose={() => setEditing(null)} />}
      {editing?.kind === 'edit' && <ViewDialog view={editing.view} search={search} onClose={() => setEditing(null)} />}
      {editing?.kind === 'delete' && (
        <ConfirmDialog
          title={`Delete the view “${editing.view.name}”?`}
          confirmLabel="Delete view"
          busyLabel="Deleting…"
          tone="danger"
          busy={remove.isPending}
          error={remove.error}
          onConfirm={() =>
            remove.mutate(
              { id: editing.view.id },
              {
                onSuccess: () => {
                  toast.push({ tone: 'ok', title: `Deleted the view “${editing.view.name}”` });
                  setEditing(null);
                },
                onError: (error) =>
                  toast.push({ tone: 'error', title: 'Could not delete the view', body: messageOf(error) }),
              },
            )
          }
          onClose={() => setEditing(null)}
          testId="view-delete-dialog"
        >
          <p>
            {editing.view.shared
              ? 'It is shared: it goes from everyone’s list.'
              : 'Only the view goes; no job changes.'}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
