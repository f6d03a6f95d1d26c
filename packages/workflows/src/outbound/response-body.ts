import { redactSecrets, redactText } from '../runtime/redact';

export const KEPT_BODY_BYTES = 1024;
const TRUNCATED = '…[truncated]';

/** Cuts a string to at most `bytes` of UTF-8 without splitting a character. */
function capUtf8(text: string, bytes: number): string {
  const encoded = Buffer.from(text, 'utf8');
  if (encoded.length <= bytes) return text;
  return new TextDecoder().decode(encoded.subarray(0, bytes), { stream: true });
}

/**
 * A response body as Jobdeck keeps it (job result, logs): secrets redacted first, while the body
 * is whole enough to be read as JSON, then capped. Whoever can read the job sees it, and a receiver
 * is not trusted to keep tokens out of its answers.
 */
export function keptResponseBody(body: string, truncated = false, limit = KEPT_BODY_BYTES): string {
  let redacted: string;
  try {
    redacted = JSON.stringify(redactSecrets(JSON.parse(body) as unknown));
  } catch {
    redacted = redactText(body);
  }
  if (!truncated && Buffer.byteLength(redacted, 'utf8') <= limit) return redacted;
  return `${capUtf8(redacted, limit - Buffer.byteLength(TRUNCATED, 'utf8'))}${TRUNCATED}`;
}
