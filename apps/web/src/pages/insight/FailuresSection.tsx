import { useState } from 'react';
import { BulkDialog } from '../../components/bulk/BulkDialog';
import { ACTIONS_COLUMN, DataTable } from '../../components/DataTable';
import { RefreshError } from '../../components/ItemState';
import { ListState } from '../../components/ListState';
import type { BulkTarget } from '../../components/bulk/bulk-target';
import { percent } from '../../lib/format';
import { usePermissions } from '../../lib/permissions';
import { FailureGroupRow } from './FailureGroupRow';
import type { WindowInput } from './insight-filter';
import type { Failures } from './insight-types';
import { useFailures, useInvalidateInsight } from './use-insight';

function TopTypes({ types }: { types: Failures['topTypes'] }) {
  if (!types.length) return null;
  return (
    <>
      <h3>Top failing job types</h3>
      <DataTable
        label="Top failing job types"
        testId="top-failing-types"
        columns={['Type', 'Unsuccessful', 'Ended', 'Failure rate']}
      >
        {types.map((type) => (
          <tr key={type.type} data-testid="failing-type" data-name={type.type}>
            <td className="row-name" data-label="Type">
              <code>{type.type}</code>
            </td>
            <td className="num" data-label="Unsuccessful">
              {type.unsuccessful}
            </td>
            <td className="num" data-label="Ended">
              {type.total}
            </td>
            <td className="num" data-label="Failure rate">
              {percent(type.failureRate, 1)}
            </td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}

function Recommendations({ items }: { items: Failures['recommendations'] }) {
  return (
    <>
      <h3>Recommendations</h3>
      {items.length === 0 ? (
        <p className="muted small" data-testid="recommendations-empty">
          Nothing to recommend: no rule matched this window.
        </p>
      ) : (
        <ul className="recommendations" data-testid="recommendations">
          {items.map((item) => (
            <li key={item.id} className={`recommendation recommendation-${item.severity}`} data-testid="recommendation">
              <strong>{item.title}</strong>
              <p>{item.advice}</p>
              <p className="small muted">Evidence: {item.evidence}</p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

const COLUMNS = ['Failure', 'Count', 'Seen', 'Where', 'Trend', 'Sample jobs'];

/** Failures grouped by cause, the types that fail most, and what the rules advise; a group can be retried whole. */
export function FailuresSection({ input }: { input: WindowInput | null }) {
  const failures = useFailures(input);
  const { canOperate } = usePermissions();
  const invalidate = useInvalidateInsight();
  const [target, setTarget] = useState<BulkTarget | null>(null);
  return (
    <section className="panel insight-section" aria-labelledby="failures-title" data-testid="insight-failures">
      <h2 id="failures-title">Failure analysis</h2>
      {failures.data && <RefreshError query={failures} />}
      <ListState query={failures} noun="failures" isEmpty={() => false} empty={null}>
        {(data) => (
          <div className={failures.isPlaceholderData ? 'stale' : undefined}>
            <h3>Causes</h3>
            {data.groups.length === 0 ? (
              <p className="empty" data-testid="failures-empty">
                No job failed in this window.
              </p>
            ) : (
              <DataTable
                label="Failure groups"
                testId="failure-groups"
                columns={canOperate ? [...COLUMNS, ACTIONS_COLUMN] : COLUMNS}
                className="failure-table"
              >
                {data.groups.map((group) => (
                  <FailureGroupRow
                    key={group.fingerprint}
                    group={group}
                    onRetry={canOperate ? () => setTarget({ action: 'retry', filter: group.retry.filter }) : undefined}
                  />
                ))}
              </DataTable>
            )}
            <TopTypes types={data.topTypes} />
            <Recommendations items={data.recommendations} />
          </div>
        )}
      </ListState>
      {target && (
        <BulkDialog
          target={target}
          onClose={(done) => {
            setTarget(null);
            if (done) invalidate();
          }}
        />
      )}
    </section>
  );
}
