/**
 * A retry's input overrides, merged into the original input: objects deeply, everything else
 * replaced. Pure, so that the dashboard previews exactly what the API will validate.
 */
export function mergeInput(base: unknown, overrides: Record<string, unknown>): unknown {
  if (base === null || typeof base !== 'object' || Array.isArray(base)) return overrides;
  const merged: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(overrides)) {
    const current = merged[key];
    merged[key] =
      value &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      current &&
      typeof current === 'object' &&
      !Array.isArray(current)
        ? mergeInput(current, value as Record<string, unknown>)
        : value;
  }
  return merged;
}
