/** The worker's webhook signing keys: a default, and named per-endpoint keys a job picks with `secretName`. */
export interface WebhookSecrets {
  default: string | null;
  named: Record<string, string>;
}

/** Names are short and lower case: they appear in job input, history and errors, the keys never do. */
export const SECRET_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

/**
 * Reads JOBDECK_WEBHOOK_SECRET and JOBDECK_WEBHOOK_SECRETS (`partner=…,billing=…`). Errors name the
 * entry by position and name only, never by value, because the value is the secret.
 */
export function parseWebhookSecrets(
  defaultSecret: string | null | undefined,
  spec: string | null | undefined,
): WebhookSecrets {
  const named: Record<string, string> = {};
  const problems: string[] = [];
  const entries = (spec ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  entries.forEach((entry, index) => {
    const separator = entry.indexOf('=');
    const name = separator > 0 ? entry.slice(0, separator).trim() : '';
    const secret = separator > 0 ? entry.slice(separator + 1).trim() : '';
    if (!SECRET_NAME.test(name))
      problems.push(
        `entry ${index + 1} needs a name=secret form with a lower-case name (a-z, 0-9, _ and -, at most 32)`,
      );
    else if (!secret) problems.push(`"${name}" has an empty secret`);
    else if (Object.hasOwn(named, name)) problems.push(`"${name}" is given twice`);
    else named[name] = secret;
  });
  if (problems.length) throw new Error(`JOBDECK_WEBHOOK_SECRETS: ${problems.join('; ')}`);
  return { default: defaultSecret || null, named };
}

/** The key for a delivery, or why there is none (safe to show: it names, never reveals). */
export function signingSecret(
  secrets: WebhookSecrets,
  name: string | undefined,
): { secret: string } | { problem: string } {
  if (name === undefined) {
    return secrets.default
      ? { secret: secrets.default }
      : { problem: 'JOBDECK_WEBHOOK_SECRET is not set on the worker' };
  }
  return Object.hasOwn(secrets.named, name)
    ? { secret: secrets.named[name]! }
    : { problem: `no webhook secret named "${name}" in the worker's JOBDECK_WEBHOOK_SECRETS` };
}
