import { useEffect, useRef, useState } from 'react';

interface Option {
  value: string;
  label: string;
}

/**
 * Several values of a list, as a dropdown of checkboxes (a <details>, so it works without script
 * tricks and closes on Escape or a click outside). None chosen means any.
 */
export function MultiSelect({
  label,
  options,
  chosen,
  onChange,
  testId,
  invalid = false,
  describedBy,
}: {
  label: string;
  options: ReadonlyArray<string | Option>;
  chosen: readonly string[];
  onChange: (next: string[]) => void;
  testId: string;
  invalid?: boolean;
  describedBy?: string;
}) {
  const ref = useRef<HTMLDetailsElement>(null);
  // A click shows at once; the URL (and so `chosen`) follows a moment later.
  const [pending, setPending] = useState<{ from: string; next: string[] } | null>(null);
  const key = chosen.join('\n');
  const shown = pending && pending.from === key ? pending.next : chosen;
  const change = (next: string[]) => {
    setPending({ from: key, next });
    onChange(next);
  };
  // Once the URL has moved (this change, or Back to the value before it), `chosen` is the truth again.
  useEffect(() => setPending(null), [key]);
  const all: Option[] = options.map((option) =>
    typeof option === 'string' ? { value: option, label: option } : option,
  );
  // A value the URL names that the list does not (a type with no job yet) is still shown, and can be unchecked.
  for (const value of shown) if (!all.some((option) => option.value === value)) all.push({ value, label: value });
  const labelOf = (value: string) => all.find((option) => option.value === value)?.label ?? value;
  const summary = !shown.length ? 'any' : shown.length <= 2 ? shown.map(labelOf).join(', ') : `${shown.length} chosen`;

  useEffect(() => {
    const close = (event: Event) => {
      const node = ref.current;
      if (!node?.open) return;
      if (event instanceof KeyboardEvent ? event.key === 'Escape' : !node.contains(event.target as Node)) {
        node.open = false;
      }
    };
    document.addEventListener('pointerdown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('pointerdown', close);
      document.removeEventListener('keydown', close);
    };
  }, []);

  const toggle = (value: string, on: boolean) =>
    change(
      on
        ? all.map((option) => option.value).filter((v) => v === value || shown.includes(v))
        : shown.filter((v) => v !== value),
    );

  return (
    <div className="field multi-select">
      <span id={`${testId}-label`}>{label}</span>
      <details ref={ref} data-testid={testId}>
        <summary aria-labelledby={`${testId}-label`} aria-invalid={invalid} aria-describedby={describedBy}>
          <span className={shown.length ? undefined : 'muted'}>{summary}</span>
        </summary>
        <div className="multi-select-menu" role="group" aria-label={label}>
          {all.length === 0 && <p className="muted small">Nothing to choose yet.</p>}
          {all.map((option) => (
            <label key={option.value} className="checkbox">
              <input
                type="checkbox"
                checked={shown.includes(option.value)}
                onChange={(event) => toggle(option.value, event.target.checked)}
                data-testid={`${testId}-option`}
                data-value={option.value}
              />
              {option.label}
            </label>
          ))}
          {shown.length > 0 && (
            <button type="button" className="button button-small button-ghost" onClick={() => change([])}>
              Any
            </button>
          )}
        </div>
      </details>
    </div>
  );
}
