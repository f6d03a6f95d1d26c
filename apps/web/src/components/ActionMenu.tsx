import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import { useEffect, useRef, useState } from 'react';
import './ActionMenu.css';

export interface ActionMenuItem<T extends string> {
  action: T;
  label: string;
  testId: string;
  danger?: boolean;
}

/**
 * A "⋯" button and its menu, on Radix (arrow keys, typeahead, Escape back to the button; drawn over
 * the page, so that a scrolling table does not clip it). An item that opens a dialog does so once
 * the menu has given the focus back to its button, where the dialog returns it when it closes.
 */
export function ActionMenu<T extends string>({
  label,
  items,
  onSelect,
}: {
  label: string;
  items: Array<ActionMenuItem<T>>;
  onSelect: (action: T) => void;
}) {
  const [open, setOpen] = useState(false);
  const chosen = useRef<T | null>(null);
  const content = useRef<HTMLDivElement>(null);

  // Radix focuses the menu itself when a pointer opened it; the first item is where keys start.
  useEffect(() => {
    if (!open) return;
    const frame = requestAnimationFrame(() =>
      content.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus({ preventScroll: true }),
    );
    return () => cancelAnimationFrame(frame);
  }, [open]);

  return (
    <DropdownMenu.Root open={open} onOpenChange={setOpen}>
      <DropdownMenu.Trigger
        className="button button-small row-menu-button"
        aria-label={label}
        title="Actions"
        data-testid="action-menu"
      >
        <span aria-hidden="true">⋯</span>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          ref={content}
          className="row-menu"
          aria-label={label}
          side="bottom"
          align="end"
          sideOffset={4}
          collisionPadding={8}
          loop
          onCloseAutoFocus={() => {
            const action = chosen.current;
            chosen.current = null;
            if (action) onSelect(action);
          }}
          data-testid="action-menu-items"
        >
          {items.map((item) => (
            <DropdownMenu.Item
              key={item.action}
              className={`row-menu-item${item.danger ? ' row-menu-danger' : ''}`}
              onSelect={() => {
                chosen.current = item.action;
              }}
              data-testid={item.testId}
            >
              {item.label}
            </DropdownMenu.Item>
          ))}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
