// The one redaction policy: every answer, event, log line, audit row and export passes through it.
// It errs towards hiding: a field wrongly hidden costs a click into Temporal; a secret shown costs a rotation.

export const REDACTED = '[redacted]';

/** Deeper than this, a value is not shown at all: validation refuses such input, so only foreign data gets here. */
export const MAX_REDACTION_DEPTH = 32;
const TOO_DEEP = `[redacted: nested deeper than ${MAX_REDACTION_DEPTH} levels]`;

/** Key names compared without case and separators: `X-Auth`, `x_auth` and `xAuth` are all `xauth`. */
function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const SECRET_KEY_PARTS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'accesskey',
  'secretkey',
  'privatekey',
  'signingkey',
  'encryptionkey',
  'masterkey',
  'sshkey',
  'authorization',
  'credential',
  'cookie',
  'signature',
  'bearer',
  'session',
  'jwt',
  'sessionid',
  'clientsecret',
];
const SECRET_KEY_EXACT = new Set(['pwd', 'pass', 'auth', 'sig', 'otp', 'totp', 'cvv', 'cvc']);

/** Whether a field of this name holds a secret: `Authorization`, `X-Auth`, `pwd`, `accessKey`, `client_secret`… */
export function isSecretKey(key: string): boolean {
  const name = normaliseKey(key);
  if (!name) return false;
  if (SECRET_KEY_EXACT.has(name)) return true;
  if (SECRET_KEY_PARTS.some((part) => name.includes(part))) return true;
  // xauth, basicauth, proxyauth, userpass, dbpass; authkey, authcode (but not author, authored).
  return name.endsWith('auth') || name.endsWith('pass') || (name.startsWith('auth') && !name.startsWith('author'));
}

// Values that are secrets whatever field they sit in.
const VALUE_RULES: Array<[RegExp, string | ((...groups: string[]) => string)]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '[redacted private key]'],
  [
    /\b(Bearer|Basic|Token|Digest)(\s+)[A-Za-z0-9._~+/=-]{6,}/gi,
    (_m, scheme: string, space: string) => `${scheme}${space}${REDACTED}`,
  ],
  [/\bjd_[st]_[A-Za-z0-9_-]{16,}/g, REDACTED],
  // JSON Web Tokens, and well-known provider key formats (Stripe, GitHub, Slack, AWS access keys).
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, REDACTED],
  [/\b(sk|rk|pk)_(live|test)_[A-Za-z0-9]{8,}/g, REDACTED],
  [/\bgh[pousr]_[A-Za-z0-9]{20,}/g, REDACTED],
  [/\bxox[abposr]-[A-Za-z0-9-]{8,}/g, REDACTED],
  [/\bAKIA[0-9A-Z]{16}\b/g, REDACTED],
  // Slack incoming-webhook (and workflow-trigger) URLs: their path is the credential.
  [/\b(https?:\/\/hooks\.slack(?:-gov)?\.com)\/[^\s"'<>]+/gi, (_m, origin: string) => `${origin}/${REDACTED}`],
  // user:password@ in any URL.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]*):([^\s/?#@]*)@/gi, (_m, head: string) => `${head}:${REDACTED}@`],
];

/**
 * `name=value`, `name: value` and `"name": "value"` in free text and query strings whose name is a
 * secret's. A bare colon needs a space after it (`password: x`), so that Jobdeck's own names such as
 * `token:billing` (a service token's name) stay readable. A value stops at `?`, so that a URL before
 * a query string does not swallow its parameters. A name starts where a word starts: tried from
 * every letter of a long word, the pattern cost 0.6 ms per 200 letters (an export of long values
 * ran at a tenth of its speed).
 */
const PAIR =
  /(?<![A-Za-z0-9_\-[\]])(["']?)([A-Za-z0-9_\-[\]]{2,128})\1(\s*=\s*|:\s+|(?<=["']):)("[^"]*"|'[^']*'|[^\s&,;"'<>#}?]+)/g;

/** A string with the secrets it carries replaced: tokens, key=value pairs, URL query parameters and passwords. */
export function redactText(text: string): string {
  let result = text;
  for (const [pattern, replacement] of VALUE_RULES) result = result.replace(pattern, replacement as string);
  return result.replace(PAIR, (match, quote: string, name: string, separator: string, value: string) => {
    if (!isSecretKey(name.replace(/\[\]$/, '')) || value.includes(REDACTED)) return match;
    const quoted = value.startsWith('"') || value.startsWith("'") ? `${value[0]}${REDACTED}${value[0]}` : REDACTED;
    return `${quote}${name}${quote}${separator}${quoted}`;
  });
}

/**
 * A copy of a JSON-like value with secret fields replaced by `[redacted]` (by their names, at any depth,
 * including header names such as `Authorization` and `X-Auth`), and secrets inside strings (tokens,
 * passwords in URLs, `?access_token=` query parameters) replaced. Deeper than MAX_REDACTION_DEPTH,
 * the rest is hidden.
 */
export function redactSecrets<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value;
  if (depth >= MAX_REDACTION_DEPTH) return TOO_DEEP as T;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1)) as T;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    copy[key] =
      isSecretKey(key) && item !== null && item !== undefined && item !== ''
        ? REDACTED
        : redactSecrets(item, depth + 1);
  }
  return copy as T;
}

/**
 * The inverse for editing: where an edited value still carries `[redacted]` (the editor saw the
 * redacted copy and left the field alone), the stored secret is kept. Anything else is the edit.
 */
export function keepRedactedSecrets<T>(edited: T, stored: unknown): T {
  if (edited === (REDACTED as unknown)) return (stored === undefined ? edited : stored) as T;
  // A string redacted inside (a URL's ?access_token=, a Bearer token) and sent back unchanged.
  if (
    typeof edited === 'string' &&
    typeof stored === 'string' &&
    edited.includes(REDACTED) &&
    redactText(stored) === edited
  )
    return stored as T;
  if (edited === null || typeof edited !== 'object' || stored === null || typeof stored !== 'object') return edited;
  if (Array.isArray(edited)) {
    return (
      Array.isArray(stored) ? edited.map((item, index) => keepRedactedSecrets(item, stored[index])) : edited
    ) as T;
  }
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(edited as Record<string, unknown>)) {
    copy[key] = keepRedactedSecrets(item, (stored as Record<string, unknown>)[key]);
  }
  return copy as T;
}
