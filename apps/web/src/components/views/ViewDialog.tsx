import { useId, useState } from 'react';
import { Dialog } from '../dialog/Dialog';
import { ConfirmButtons } from '../dialog/ConfirmDialog';
import { errorsByField, FieldError } from '../FormErrors';
import { errorIdOf, FormFields, TextField } from '../TextField';
import { usePermissions } from '../../lib/permissions';
import { useToast } from '../toasts/Toasts';
import type { JobSearch, SavedView } from '../../pages/search/search-types';
import { useViewMutations } from './use-views';

/**
 * Saving the current search as a view (no `view`), or renaming, re-sharing or updating one of one's own.
 * Sharing with everyone is offered to operators and admins only (the API refuses it to viewers).
 */
export function ViewDialog({
  view,
  search,
  onClose,
}: {
  view?: SavedView;
  search: JobSearch;
  onClose: (saved?: { id: string }) => void;
}) {
  const formId = useId();
  const toast = useToast();
  const { canOperate } = usePermissions();
  const { create, update } = useViewMutations();
  const [name, setName] = useState(view?.name ?? '');
  const [shared, setShared] = useState(view?.shared ?? false);
  const [replace, setReplace] = useState(false);
  const mutation = view ? update : create;
  const errors = errorsByField(mutation.error, (issue) => (issue.path[0] === 'name' ? 'name' : 'form'));

  const submit = () => {
    if (mutation.isPending) return;
    const done = (saved: { id: string }) => {
      toast.push({ tone: 'ok', title: view ? `View “${name.trim()}” saved` : `Saved the view “${name.trim()}”` });
      onClose(saved);
    };
    if (view)
      update.mutate(
        { id: view.id, name: name.trim(), ...(canOperate ? { shared } : {}), ...(replace ? { search } : {}) },
        { onSuccess: () => done({ id: view.id }) },
      );
    else
      create.mutate(
        { name: name.trim(), search, ...(canOperate && shared ? { shared: true } : {}) },
        { onSuccess: (saved) => done({ id: (saved as { id: string }).id }) },
      );
  };

  return (
    <Dialog
      title={view ? `Edit the view “${view.name}”` : 'Save this search as a view'}
      onClose={() => onClose()}
      busy={mutation.isPending}
      onSubmit={submit}
      testId="view-dialog"
      footer={
        <ConfirmButtons
          confirmLabel={mutation.isPending ? 'Saving…' : 'Save view'}
          busy={mutation.isPending}
          confirmDisabled={!name.trim()}
          onClose={() => onClose()}
        />
      }
    >
      <FormFields formId={formId} errors={errors}>
        <TextField
          label="Name"
          field="name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          maxLength={100}
          data-testid="view-name"
          data-autofocus
        />
      </FormFields>
      {canOperate && (
        <label className="checkbox">
          <input
            type="checkbox"
            checked={shared}
            onChange={(event) => setShared(event.target.checked)}
            data-testid="view-shared"
          />
          Shared: everyone signed in sees it in their list
        </label>
      )}
      {view && (
        <label className="checkbox">
          <input
            type="checkbox"
            checked={replace}
            onChange={(event) => setReplace(event.target.checked)}
            data-testid="view-replace-search"
          />
          Replace its search with the one on the page
        </label>
      )}
      <FieldError errors={errors} field="form" id={errorIdOf(formId, 'form')} />
    </Dialog>
  );
}
