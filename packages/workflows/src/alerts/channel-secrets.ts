import { openBytes, sealBytes } from '../codec/encryption-codec';
import { ENCRYPTION_KEYS_VARIABLE, type EncryptionKeys } from '../codec/keys';
import type { AlertChannelKind } from '../runtime/alert-vocabulary';
import { ALERT_CHANNEL_CONFIGS, SECRET_FIELDS, type AlertChannelConfig } from './channels';

/**
 * A channel's secret fields (a Slack URL, webhook header values) are sealed at rest with the payload
 * codec's current key and its cipher (AES-256-GCM), the key id kept beside each so keys can rotate.
 * Beside the sealed value sits its masked form, computed when sealed: every reader is answered with
 * it, and nothing but the worker delivering a notification ever opens the secret.
 */

/** What a reader sees in place of a secret. */
export const MASK = '••••';

const IV_BYTES = 12;

/** One secret field as stored. */
export interface SealedSecret {
  sealed: 'v1';
  keyId: string;
  /** Base64 of the AES-GCM IV. */
  iv: string;
  /** Base64 of ciphertext ‖ tag of the field's JSON. */
  data: string;
  /** What readers are answered with: `https://hooks.slack.com/…/••••`, or each header's value as `••••`. */
  masked: unknown;
}

export function isSealedSecret(value: unknown): value is SealedSecret {
  const candidate = value as Partial<SealedSecret> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.sealed === 'v1' &&
    typeof candidate.keyId === 'string' &&
    typeof candidate.iv === 'string' &&
    typeof candidate.data === 'string'
  );
}

/** The URL's origin, the rest hidden: the path of a Slack incoming-webhook URL is its credential. */
function maskedUrl(url: string): string {
  return URL.canParse(url) ? `${new URL(url).origin}/…/${MASK}` : MASK;
}

function maskedValue(field: string, value: unknown): unknown {
  if (typeof value === 'string') return field.toLowerCase().endsWith('url') ? maskedUrl(value) : MASK;
  // A map of headers: the names are settings anyone may read, the values are tokens.
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).map((name) => [name, MASK]));
  return MASK;
}

function sealValue(field: string, value: unknown, keys: EncryptionKeys): SealedSecret {
  const { id, key } = keys.current;
  const sealed = sealBytes(key, Buffer.from(JSON.stringify(value), 'utf8'));
  return {
    sealed: 'v1',
    keyId: id,
    iv: sealed.subarray(0, IV_BYTES).toString('base64'),
    data: sealed.subarray(IV_BYTES).toString('base64'),
    masked: maskedValue(field, value),
  };
}

function openValue(field: string, secret: SealedSecret, keys: EncryptionKeys): unknown {
  const key = keys.byId.get(secret.keyId);
  if (!key)
    throw new Error(
      `the channel's ${field} was sealed with key "${secret.keyId}", which is not in ${ENCRYPTION_KEYS_VARIABLE}: ` +
        'keep retired keys in the list, or enter the secret again',
    );
  try {
    const sealed = Buffer.concat([Buffer.from(secret.iv, 'base64'), Buffer.from(secret.data, 'base64')]);
    return JSON.parse(openBytes(key, sealed).toString('utf8'));
  } catch {
    throw new Error(
      `the channel's ${field} does not open with key "${secret.keyId}": it was altered, or the key differs`,
    );
  }
}

function asRecord(stored: unknown): Record<string, unknown> {
  return stored && typeof stored === 'object' && !Array.isArray(stored) ? (stored as Record<string, unknown>) : {};
}

/** The config as stored: its SECRET_FIELDS sealed with the current key. */
export function sealChannelConfig(
  kind: AlertChannelKind,
  config: AlertChannelConfig,
  keys: EncryptionKeys,
): Record<string, unknown> {
  const stored: Record<string, unknown> = { ...config };
  for (const field of SECRET_FIELDS[kind]) {
    const value = stored[field];
    if (value !== undefined && value !== null) stored[field] = sealValue(field, value, keys);
  }
  return stored;
}

/** The stored config opened for delivery (worker only), checked against its kind's schema once more. */
export function openChannelConfig(kind: AlertChannelKind, stored: unknown, keys: EncryptionKeys): AlertChannelConfig {
  const opened: Record<string, unknown> = { ...asRecord(stored) };
  for (const field of SECRET_FIELDS[kind]) {
    const value = opened[field];
    if (value === undefined || value === null) continue;
    // A secret in clear was not written by Jobdeck: refused rather than used.
    if (!isSealedSecret(value)) throw new Error(`the channel's ${field} is stored unsealed: save the channel again`);
    opened[field] = openValue(field, value, keys);
  }
  return ALERT_CHANNEL_CONFIGS[kind].parse(opened) as AlertChannelConfig;
}

/** The stored config as answered to any reader: secret fields masked (`https://hooks.slack.com/…/••••`), never in clear. */
export function maskChannelConfig(kind: AlertChannelKind, stored: unknown): Record<string, unknown> {
  const masked: Record<string, unknown> = { ...asRecord(stored) };
  for (const field of SECRET_FIELDS[kind]) {
    const value = masked[field];
    if (value === undefined || value === null) continue;
    masked[field] = isSealedSecret(value) && value.masked !== undefined ? value.masked : maskedValue(field, value);
  }
  return masked;
}

/** A value a reader was shown and sent back: it still carries the mask (as typed, or percent-encoded by a URL parser). */
function isMasked(value: unknown): boolean {
  return typeof value === 'string' && (value.includes(MASK) || value.includes(encodeURIComponent(MASK)));
}

/**
 * An update's config merged with the stored one: a secret field left out, or a masked value sent back
 * unchanged, keeps the stored secret (so editing a channel's name does not need its Slack URL again).
 * For headers, each header whose value is the mask keeps its stored value; the others are the edit.
 */
export function mergeChannelConfig(
  kind: AlertChannelKind,
  incoming: AlertChannelConfig,
  stored: unknown,
  keys: EncryptionKeys,
): Record<string, unknown> {
  const previous = asRecord(stored);
  const merged: Record<string, unknown> = { ...incoming };
  for (const field of SECRET_FIELDS[kind]) {
    const value = merged[field];
    const kept = previous[field];
    if (value === undefined || value === null || isMasked(value)) {
      if (kept !== undefined && kept !== null) merged[field] = kept;
      else delete merged[field];
      continue;
    }
    if (typeof value === 'object' && Object.values(value).some(isMasked)) {
      const old = isSealedSecret(kept) ? asRecord(openValue(field, kept, keys)) : {};
      const entries = Object.entries(value as Record<string, unknown>).flatMap(([name, item]) =>
        !isMasked(item) ? [[name, item]] : name in old ? [[name, old[name]]] : [],
      );
      merged[field] = sealValue(field, Object.fromEntries(entries), keys);
      continue;
    }
    merged[field] = sealValue(field, value, keys);
  }
  return merged;
}
