import { trpc } from '../../trpc';
import { MutationDialog } from '../dialog/MutationDialog';

export function DeleteTemplateDialog({
  template,
  onClose,
}: {
  template: { id: string; name: string };
  onClose: () => void;
}) {
  const utils = trpc.useUtils();
  const remove = trpc.templates.delete.useMutation({ onSuccess: () => void utils.templates.list.invalidate() });
  return (
    <MutationDialog
      mutation={remove}
      input={{ id: template.id }}
      succeeded={() => ({ title: `Deleted template ${template.name}` })}
      failedTitle={`Could not delete ${template.name}`}
      title={<>Delete template “{template.name}”?</>}
      confirmLabel="Delete template"
      busyLabel="Deleting…"
      tone="danger"
      onClose={onClose}
      testId="template-delete-dialog"
    >
      <p data-testid="dialog-effect">It is gone for good; jobs already started from it stay.</p>
    </MutationDialog>
  );
}
