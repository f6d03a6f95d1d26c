import { TextField } from '../TextField';

/** An action's optional note (why, until when), recorded with it; the field a dialog focuses first. */
export function NoteField({
  value,
  onChange,
  hint,
  placeholder,
  testId,
}: {
  value: string;
  onChange: (note: string) => void;
  /** After "Note", in brackets: what the note is for. */
  hint: string;
  placeholder?: string;
  testId: string;
}) {
  return (
    <TextField
      label="Note"
      hint={hint}
      type="text"
      value={value}
      onChange={(event) => onChange(event.target.value)}
      maxLength={300}
      placeholder={placeholder}
      data-testid={testId}
      data-autofocus
    />
  );
}

/** The note as the API takes it: trimmed, absent when empty. */
export function noteInput(note: string): string | undefined {
  return note.trim() || undefined;
}
