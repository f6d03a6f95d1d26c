import { useState } from 'react';
import { usePermissions } from '../../lib/permissions';
import { hasFilter, type JobFilter } from '../../lib/useJobList';
import { ActionMenu, type ActionMenuItem } from '../ActionMenu';
import type { BulkTarget } from './bulk-target';
import { BulkDialog } from './BulkDialog';
import { BulkRerunSetup } from './BulkRerunSetup';
import './Bulk.css';

type MoreAction = 'rerun_from_step' | 'retry_activity_now' | 'start_like';

/** The guided-rerun actions (issue 13), in a menu: three more buttons would not fit beside the others. */
const MORE: Array<ActionMenuItem<MoreAction>> = [
  { action: 'rerun_from_step', label: 'Rerun from a step…', testId: 'bulk-rerun-from-step' },
  { action: 'retry_activity_now', label: 'Retry activity now…', testId: 'bulk-retry-activity-now' },
  { action: 'start_like', label: 'Start like these…', testId: 'bulk-start-like' },
];

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
  // A rerun asks for its step and reason first.
  const [rerunOf, setRerunOf] = useState<BulkTarget | null>(null);
  if (!canOperate) return null;
  const count = selected.length;
  const appliedFilter = Object.fromEntries(Object.entries(filter).filter(([, value]) => value)) as JobFilter;
  const more = (scope: Omit<BulkTarget, 'action'>, label: string) => (
    <ActionMenu
      label={label}
      items={MORE}
      onSelect={(action) => (action === 'rerun_from_step' ? setRerunOf : setTarget)({ action, ...scope })}
    />
  );
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
          {more({ ids: selected }, 'More actions on the selected jobs')}
          <button type="button" className="button button-small button-ghost" onClick={onClear} data-testid="bulk-clear">
            Clear selection
          </button>
        </>
      )}
      {hasFilter(filter) && (
        <span className="bulk-matching">
          {button('Retry all matching…', { action: 'retry', filter: appliedFilter }, 'bulk-retry-matching')}
          {button('Cancel all matching…', { action: 'cancel', filter: appliedFilter }, 'bulk-cancel-matching')}
          {more({ filter: appliedFilter }, 'More actions on all matching jobs')}
        </span>
      )}
      {rerunOf && (
        <BulkRerunSetup
          onContinue={(step, reason) => {
            setTarget({ ...rerunOf, step, reason });
            setRerunOf(null);
          }}
          onClose={() => setRerunOf(null)}
        />
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
