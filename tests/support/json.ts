/** A response body as JSON, or null where it is not JSON (the caller asserts on status and text). */
export function jsonOrNull(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
