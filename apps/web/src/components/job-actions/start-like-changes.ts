/** How the API shows a secret it will not send back (packages/workflows/src/runtime/redact.ts). */
export const REDACTED = '[redacted]';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => !!value && typeof value === 'object' && !Array.isArray(value);

export interface StartLikeChanges {
  /** What to merge into the original's input: only what was edited, so unedited secrets stay the original's. */
  changes: Json;
  /** Fields taken out of the editor: a merge keeps them, so the form says so. */
  removed: string[];
  /** Edited values that still hold the redaction mark: they would replace a secret with the mark itself. */
  redactedEdits: string[];
}

/**
 * The edits made to a prefilled (redacted) input, as overrides merged into the original's input by
 * jobs.startLike: objects compared key by key, anything else (lists, strings) sent whole when changed.
 */
export function startLikeChanges(prefilled: unknown, edited: Json): StartLikeChanges {
  const removed: string[] = [];
  const redactedEdits: string[] = [];
  const diff = (before: unknown, after: Json, at: string): Json => {
    const changes: Json = {};
    const base = isObject(before) ? before : {};
    for (const key of Object.keys(base)) if (!(key in after)) removed.push(`${at}${key}`);
    for (const [key, value] of Object.entries(after)) {
      const old = base[key];
      if (isObject(value) && isObject(old)) {
        const inner = diff(old, value, `${at}${key}.`);
        if (Object.keys(inner).length) changes[key] = inner;
      } else if (JSON.stringify(value) !== JSON.stringify(old)) {
        if (JSON.stringify(value ?? null).includes(REDACTED)) redactedEdits.push(`${at}${key}`);
        changes[key] = value;
      }
    }
    return changes;
  };
  return { changes: diff(prefilled, edited, ''), removed, redactedEdits };
}
