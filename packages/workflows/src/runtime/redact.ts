const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|authori[sz]ation|credential|private[-_]?key|signature|cookie/i;

export const REDACTED = '[redacted]';

/** Copies a JSON-like value with secret-looking fields replaced, for logs, the dashboard and exports. */
export function redactSecrets<T>(value: T, depth = 0): T {
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1)) as T;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    copy[key] = SECRET_KEY.test(key) && item !== null && item !== undefined ? REDACTED : redactSecrets(item, depth + 1);
  }
  return copy as T;
}
