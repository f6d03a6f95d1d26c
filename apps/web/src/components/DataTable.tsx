import type { ReactNode } from 'react';

export interface Column {
  label: ReactNode;
  className?: string;
}

/** The last column of a table whose rows have buttons: named for screen readers only. */
export const ACTIONS_COLUMN: Column = { label: <span className="visually-hidden">Actions</span> };

/**
 * A table in a frame that scrolls sideways (and can be scrolled with the keyboard), with its header
 * row; `cards` lays the rows out as cards on a phone (each cell says its column through data-label).
 */
export function DataTable({
  label,
  testId,
  columns,
  cards = true,
  className,
  stale = false,
  children,
}: {
  label: string;
  testId: string;
  columns: Array<string | Column>;
  cards?: boolean;
  className?: string;
  /** The rows are the previous answer's while a new one is on its way. */
  stale?: boolean;
  children: ReactNode;
}) {
  const tableClass = ['table', cards && 'table-cards', className].filter(Boolean).join(' ');
  return (
    <div className={`table-scroll${stale ? ' stale' : ''}`} tabIndex={0} role="region" aria-label={label}>
      <table className={tableClass} data-testid={testId}>
        <thead>
          <tr>
            {columns.map((column, index) => {
              const { label: text, className: cell } = typeof column === 'string' ? { label: column } : column;
              return (
                <th key={typeof column === 'string' ? column : index} scope="col" className={cell}>
                  {text}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
