// What PostgreSQL can store, decided before anything is written or started. Postgres text cannot
// hold NUL, and jsonb refuses NUL and lone UTF-16 surrogates; a value that reaches Temporal but not
// Postgres is a job with no record, so such input is refused at the edge, for every procedure.

import { redactText } from './redact';

/** Deeper than this, input is refused: deeper JSON is never a real job's input, and would overflow recursion downstream. */
export const MAX_INPUT_DEPTH = 32;

// NUL, and a high surrogate not followed by a low one or a low one not preceded by a high one.
// eslint-disable-next-line no-control-regex -- NUL is what PostgreSQL cannot store
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

export interface UnstorableProblem {
  path: Array<string | number>;
  message: string;
}

function describe(text: string): string {
  const match = UNSTORABLE.exec(text);
  return match?.[0] === '\u0000'
    ? 'contains a NUL byte (\\u0000), which cannot be stored'
    : 'contains an unpaired UTF-16 surrogate, which is not valid Unicode';
}

/** The first place in a JSON-like value that cannot be stored (a bad string, a bad key, too deep), or null. */
export function findUnstorable(value: unknown, path: Array<string | number> = []): UnstorableProblem | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? { path, message: describe(value) } : null;
  if (value === null || typeof value !== 'object') return null;
  if (path.length >= MAX_INPUT_DEPTH) return { path, message: `is nested deeper than ${MAX_INPUT_DEPTH} levels` };
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const problem = findUnstorable(value[index], [...path, index]);
      if (problem) return problem;
    }
    return null;
  }
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (UNSTORABLE.test(key)) return { path: [...path, key], message: `key ${describe(key)}` };
    const problem = findUnstorable(item, [...path, key]);
    if (problem) return problem;
  }
  return null;
}

/**
 * Foreign text made storable (a receiver's answer, an exception's message): NUL and lone surrogates
 * become U+FFFD, and what is nested too deep is cut. For data from outside, which cannot be refused.
 */
export function toStorable<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return value.replace(UNSTORABLE_ALL, '\ufffd') as T;
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (depth >= MAX_INPUT_DEPTH) return `[cut: nested deeper than ${MAX_INPUT_DEPTH} levels]` as T;
  if (Array.isArray(value)) return value.map((item) => toStorable(item, depth + 1)) as T;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, item]) => [
      key.replace(UNSTORABLE_ALL, '\ufffd'),
      toStorable(item, depth + 1),
    ]),
  ) as T;
}

/** Text from outside (a receiver's answer, an exception) as a record keeps it: secrets redacted, storable. */
export function recordableText(text: string): string {
  return toStorable(redactText(text));
}
