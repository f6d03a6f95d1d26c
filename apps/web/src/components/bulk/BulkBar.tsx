import { useState } from 'react';
import { usePermissions } from '../../lib/permissions';
import { hasFilter, type JobFilter } from '../../lib/useJobList';
import type { BulkTarget } from './bulk-target';
import { BulkDialog } from './BulkDialog';
import './Bulk.css';

/**
 * Retry or cancel the selected jobs, or every job the current filter matches. Small selections are
 * done at once with a result per job, large ones become a bulk.action job whose page shows the progress.
 */
export function BulkBar({
  selected,
  filter,
  onDone,
  onClear,
}: {
  selected: string[];
  filter: JobFilter;
  onDone: () => void;
  onClear: () => void;
}) {
  const { canOperate } = usePermissions();
  const [target, setTarget] = useState<BulkTarget | null>(null);
  if (!canOperate) return null;
  const count = selected.length;
  const appliedFilter = Object.fromEntries(Object.entries(filter).filter(([, value]) => value)) as JobFilter;
  const button = (label: string, next: BulkTarget, testId: string) => (
    <button type="button" className="button button-small" onClick={() => setTarget(next)} data-testid={testId}>
      {label}
    </button>
  );

  return (
    <div
      className={`bulk-bar${count ? ' bulk-bar-active' : ''}`}
      data-testid="bulk-bar"
      role="toolbar"
      aria-label="Bulk actions"
    >
      <span className="bulk-count" data-testid="bulk-count" aria-live="polite">
        {count ? `${count} selected` : 'Select jobs to act on several at once'}
      </span>
      {count > 0 && (
        <>
          {button('Retry selected', { action: 'retry', ids: selected }, 'bulk-retry-selected')}
          {button('Cancel selected', { action: 'cancel', ids: selected }, 'bulk-cancel-selected')}
          <button type="button" className="button button-small button-ghost" onClick={onClear} data-testid="bulk-clear">
            Clear selection
          </button>
        </>
      )}
      {hasFilter(filter) && (
        <span className="bulk-matching">
          {button('Retry all matching…', { action: 'retry', filter: appliedFilter }, 'bulk-retry-matching')}
          {button('Cancel all matching…', { action: 'cancel', filter: appliedFilter }, 'bulk-cancel-matching')}
        </span>
      )}
      {target && (
        <BulkDialog
          target={target}
          onClose={(done) => {
            setTarget(null);
            if (done) onDone();
          }}
        />
      )}
    </div>
  );
}
