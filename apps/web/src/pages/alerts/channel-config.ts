import type { AlertChannelKind } from '@jobdeck/workflows/vocabulary';

/**
 * A channel's settings as the form edits them (text), per kind. Secret fields (a Slack webhook URL,
 * webhook header values) are never sent back by the API: the form shows them as set and hidden,
 * and an empty replace box keeps the stored value (the key is left out of the update).
 */

export const SECRET_KEYS: Record<AlertChannelKind, readonly string[]> = {
  webhook: ['headers'],
  slack: ['webhookUrl'],
  email: [],
  dashboard: [],
};

export interface ConfigDraft {
  url: string;
  secretName: string;
  /** "Name: value" per line. */
  headers: string;
  webhookUrl: string;
  /** Addresses, by commas or lines. */
  to: string;
}

export const EMPTY_DRAFT: ConfigDraft = { url: '', secretName: '', headers: '', webhookUrl: '', to: '' };

/** The draft of a stored channel: only what is not secret. */
export function draftOf(config: unknown): ConfigDraft {
  const stored = (config && typeof config === 'object' ? config : {}) as Record<string, unknown>;
  const text = (key: string) => (typeof stored[key] === 'string' ? (stored[key] as string) : '');
  return {
    ...EMPTY_DRAFT,
    url: text('url'),
    secretName: text('secretName'),
    to: Array.isArray(stored.to) ? stored.to.join(', ') : '',
  };
}

/** The config input of a kind; `keepSecrets`: an empty secret box leaves its key out (an update keeps it). */
export function configOf(kind: AlertChannelKind, draft: ConfigDraft, keepSecrets: boolean): Record<string, unknown> {
  if (kind === 'webhook') {
    const headers = parseHeaders(draft.headers);
    return {
      url: draft.url.trim(),
      ...(draft.secretName.trim() ? { secretName: draft.secretName.trim() } : {}),
      ...(draft.headers.trim() || !keepSecrets ? (headers && Object.keys(headers).length ? { headers } : {}) : {}),
    };
  }
  if (kind === 'slack') return draft.webhookUrl.trim() || !keepSecrets ? { webhookUrl: draft.webhookUrl.trim() } : {};
  if (kind === 'email')
    return {
      to: draft.to
        .split(/[,\n]/)
        .map((address) => address.trim())
        .filter(Boolean),
    };
  return {};
}

/** "Name: value" lines as an object; a line without a colon is refused by returning null. */
export function parseHeaders(text: string): Record<string, string> | null {
  const headers: Record<string, string> = {};
  for (const line of text
    .split('\n')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const colon = line.indexOf(':');
    if (colon < 1) return null;
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** What a channel's stored config says, for the list: secret values as the API masks them, marked hidden. */
export function describeConfig(kind: string, config: unknown): Array<{ label: string; value: string }> {
  const stored = (config && typeof config === 'object' ? config : {}) as Record<string, unknown>;
  const secret = SECRET_KEYS[kind as AlertChannelKind] ?? [];
  return Object.entries(stored)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([label, value]) => {
      if (label === 'headers' && value && typeof value === 'object')
        return {
          label,
          value: `${Object.entries(value as Record<string, unknown>)
            .map(([name, header]) => `${name}: ${String(header)}`)
            .join(', ')} (values hidden)`,
        };
      if (secret.includes(label)) return { label, value: `${String(value)} (set, hidden)` };
      return {
        label,
        value: Array.isArray(value) ? value.join(', ') : typeof value === 'string' ? value : JSON.stringify(value),
      };
    });
}
