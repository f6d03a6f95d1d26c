/** A button that opens and closes a part of the page (a form, an editor), saying which it will do. */
export function ToggleButton({
  open,
  onToggle,
  label,
  closeLabel = 'Close',
  primary = false,
  testId,
}: {
  open: boolean;
  /** Called with what the part should become: true to open it. */
  onToggle: (open: boolean) => void;
  /** What opening it shows, such as "New user". */
  label: string;
  closeLabel?: string;
  primary?: boolean;
  testId: string;
}) {
  return (
    <button
      type="button"
      className={`button${primary ? ' button-primary' : ''}`}
      aria-expanded={open}
      onClick={() => onToggle(!open)}
      data-testid={testId}
    >
      {open ? closeLabel : label}
    </button>
  );
}
