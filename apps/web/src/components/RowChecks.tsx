import { useEffect, useRef } from 'react';

/** Row selection for bulk actions; without it a table has no checkboxes. */
export interface RowSelection {
  selected: ReadonlySet<string>;
  onChange: (next: Set<string>) => void;
}

/** The header's checkbox: every row shown, or none; "some" shows as indeterminate. */
export function SelectAllCheck({ ids, selection }: { ids: string[]; selection: RowSelection }) {
  const ref = useRef<HTMLInputElement>(null);
  const chosen = ids.filter((id) => selection.selected.has(id)).length;
  const all = ids.length > 0 && chosen === ids.length;
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = chosen > 0 && !all;
  }, [chosen, all]);
  return (
    <input
      ref={ref}
      type="checkbox"
      className="row-check"
      checked={all}
      onChange={(event) => {
        const next = new Set(selection.selected);
        for (const id of ids) {
          if (event.target.checked) next.add(id);
          else next.delete(id);
        }
        selection.onChange(next);
      }}
      aria-label={all ? 'Unselect every job shown' : 'Select every job shown'}
      data-testid="select-all"
    />
  );
}

/** One row's checkbox. */
export function RowCheck({ id, selection }: { id: string; selection: RowSelection }) {
  return (
    <input
      type="checkbox"
      className="row-check"
      checked={selection.selected.has(id)}
      onChange={(event) => {
        const next = new Set(selection.selected);
        if (event.target.checked) next.add(id);
        else next.delete(id);
        selection.onChange(next);
      }}
      aria-label={`Select ${id}`}
      data-testid="row-select"
    />
  );
}
