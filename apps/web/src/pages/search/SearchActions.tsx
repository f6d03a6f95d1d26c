import { useState } from 'react';
import { BulkDialog } from '../../components/bulk/BulkDialog';
import type { BulkTarget } from '../../components/bulk/bulk-target';
import { usePermissions } from '../../lib/permissions';
import type { JobSearch } from './search-types';
import '../../components/bulk/Bulk.css';

/**
 * Acting on the search's jobs: the rows selected, or every job the search finds (through the bulk
 * dialog, which asks the server how many that is first). Retry and Cancel for operators, Delete for admins.
 */
export function SearchActions({
  search,
  selected,
  onClearSelection,
  any,
}: {
  search: JobSearch;
  selected: string[];
  onClearSelection: () => void;
  /** Whether the search found anything: with no rows, "all" would be nothing. */
  any: boolean;
}) {
  const { canOperate, isAdmin } = usePermissions();
  const [target, setTarget] = useState<BulkTarget | null>(null);
  if (!canOperate) return null;
  const actions: Array<'retry' | 'cancel' | 'delete'> = isAdmin ? ['retry', 'cancel', 'delete'] : ['retry', 'cancel'];
  const label = { retry: 'Retry', cancel: 'Cancel', delete: 'Delete' } as const;
  const button = (text: string, next: BulkTarget, testId: string) => (
    <button
      type="button"
      className={`button button-small${next.action === 'delete' ? ' button-danger-outline' : ''}`}
      onClick={() => setTarget(next)}
      data-testid={testId}
    >
      {text}
    </button>
  );
  const count = selected.length;
  return (
    <div
      className={`bulk-bar${count ? ' bulk-bar-active' : ''}`}
      role="toolbar"
      aria-label="Act on the results"
      data-testid="search-actions"
    >
      <span className="bulk-count" aria-live="polite" data-testid="bulk-count">
        {count ? `${count} selected` : 'Select jobs, or act on all the search finds'}
      </span>
      {count > 0 && (
        <>
          {actions.map((action) =>
            button(`${label[action]} selected`, { action, ids: selected }, `search-${action}-selected`),
          )}
          <button type="button" className="button button-small button-ghost" onClick={onClearSelection}>
            Clear selection
          </button>
        </>
      )}
      {any && (
        <span className="bulk-matching">
          {actions.map((action) => button(`${label[action]} all…`, { action, search }, `search-${action}-all`))}
        </span>
      )}
      {target && (
        <BulkDialog
          target={target}
          onClose={(done) => {
            setTarget(null);
            if (done) onClearSelection();
          }}
        />
      )}
    </div>
  );
}
