import { useEffect, useRef, useState, type InputHTMLAttributes } from 'react';

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'onBlur' | 'onKeyDown'> & {
  'data-testid'?: string;
};

/**
 * A text input whose value is committed (to the URL) on Enter or when it loses the focus, not at each
 * key; `debounceMs` also commits after a pause in typing. `commit` answers false when the text is
 * not a value (a duration that does not parse): it stays as typed, marked invalid by the caller.
 * A change from elsewhere (Back, a saved view) replaces the text.
 */
export function DraftInput({
  value,
  commit,
  debounceMs,
  ...input
}: {
  value: string;
  commit: (text: string, how: { typing: boolean }) => boolean | void;
  debounceMs?: number;
} & InputProps) {
  const [text, setText] = useState(value);
  const committed = useRef(value);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    // The value comes back trimmed: "timeout " typed is still "timeout", and the space stays as typed.
    if (value !== committed.current && value !== committed.current.trim()) {
      committed.current = value;
      setText(value);
    }
  }, [value]);
  useEffect(() => () => clearTimer(), []);

  function clearTimer() {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
  }

  const send = (next: string, typing: boolean) => {
    clearTimer();
    if (next === committed.current) return;
    if (commit(next, { typing }) !== false) committed.current = next;
  };

  return (
    <input
      {...input}
      value={text}
      onChange={(event) => {
        const next = event.target.value;
        setText(next);
        if (debounceMs !== undefined) {
          clearTimer();
          timer.current = setTimeout(() => send(next, true), debounceMs);
        }
      }}
      onBlur={() => send(text, false)}
      onKeyDown={(event) => {
        if (event.key === 'Enter') {
          event.preventDefault();
          send(text, false);
        }
      }}
    />
  );
}
