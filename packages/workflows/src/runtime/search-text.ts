// What text search may read of a job's input: its keys and values, with every secret left out. The
// record keeps the input itself (for retries); a search that matched a secret would tell whoever
// searched that a job holds it, so secrets never reach the searched text at all.

import { REDACTED, redactSecrets } from './redact';

/** How much of an input's text is searched: enough for ids, names and URLs, small enough to index. */
export const SEARCHABLE_INPUT_CHARS = 2_000;

/** Redaction's markers, which are not the input's words. */
const REDACTION_MARKER = /\[redacted[^\]]*\]/g;

/**
 * The input as text search reads it ("inputText"): each key and each scalar value on a line of its
 * own, in order, after redaction (a secret field is left out whole, a secret inside a value is cut
 * out of it), at most SEARCHABLE_INPUT_CHARS characters.
 */
export function searchableInput(input: unknown): string {
  const lines: string[] = [];
  let length = 0;
  const push = (text: string) => {
    const line = text.replace(REDACTION_MARKER, ' ').replace(/\s+/g, ' ').trim();
    if (!line || length >= SEARCHABLE_INPUT_CHARS) return;
    lines.push(line);
    length += line.length + 1;
  };
  const walk = (value: unknown) => {
    if (length >= SEARCHABLE_INPUT_CHARS || value === null || value === undefined) return;
    if (typeof value !== 'object') return push(String(value));
    if (Array.isArray(value)) return value.forEach(walk);
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (item === REDACTED) continue;
      push(key);
      walk(item);
    }
  };
  walk(redactSecrets(input));
  return lines.join('\n').slice(0, SEARCHABLE_INPUT_CHARS);
}
