import { z } from 'zod';

export const ENCRYPTION_KEYS_VARIABLE = 'JOBDECK_ENCRYPTION_KEYS';

const HOW_TO_GET_ONE =
  `npm run dev generates one into .data/encryption-keys; elsewhere generate one with ` +
  `node -e "console.log('k1:'+require('crypto').randomBytes(32).toString('base64'))"`;

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

export interface EncryptionKeys {
  /** The first key of the list: every new payload is encrypted with it. */
  current: EncryptionKey;
  /** Every key by id, the current one included: payloads written with an older key still decrypt. */
  byId: ReadonlyMap<string, Buffer>;
}

const KEY_BYTES = 32;
// The id is stored in clear beside every payload, so it must stay a short, printable name.
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
// Strict: Buffer.from(…, 'base64') silently skips junk, which would turn a typo into a different key.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * `<keyId>:<base64 of 32 bytes>[,<keyId>:<base64>…]`, the way the API and worker configs read it.
 * Messages name entries by position and id, never echo key material: they end up in start-up logs.
 */
export const encryptionKeysSetting = z
  .string({ error: `${ENCRYPTION_KEYS_VARIABLE} is required: ${HOW_TO_GET_ONE}` })
  .transform((spec, ctx): EncryptionKeys => {
    const problem = (message: string) => ctx.issues.push({ code: 'custom', message, input: '[not shown]' });
    const entries = spec
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    if (entries.length === 0) {
      problem(`${ENCRYPTION_KEYS_VARIABLE} is required: ${HOW_TO_GET_ONE}`);
      return z.NEVER;
    }
    const keys: EncryptionKey[] = [];
    entries.forEach((entry, index) => {
      const position = `entry ${index + 1}`;
      const separator = entry.indexOf(':');
      if (separator < 0) return problem(`${position}: expected <keyId>:<base64 of ${KEY_BYTES} bytes>`);
      const id = entry.slice(0, separator).trim();
      const material = entry.slice(separator + 1).trim();
      if (!KEY_ID.test(id)) return problem(`${position}: the key id must be 1 to 64 letters, digits, '.', '_' or '-'`);
      if (!material || !BASE64.test(material)) return problem(`${position} (id "${id}"): the key is not valid base64`);
      const key = Buffer.from(material, 'base64');
      if (key.length !== KEY_BYTES)
        return problem(`${position} (id "${id}"): the key is ${key.length} bytes; AES-256 needs exactly ${KEY_BYTES}`);
      if (keys.some((known) => known.id === id))
        return problem(`${position}: key id "${id}" appears twice; each key needs its own id`);
      keys.push({ id, key });
    });
    if (keys.length !== entries.length) return z.NEVER;
    return { current: keys[0]!, byId: new Map(keys.map(({ id, key }) => [id, key])) };
  });

/** For callers outside a config schema (tests, scripts): the same rules, one error listing every problem. */
export function parseEncryptionKeys(spec: string | null | undefined): EncryptionKeys {
  const parsed = encryptionKeysSetting.safeParse(spec ?? undefined);
  if (parsed.success) return parsed.data;
  const named = parsed.error.issues.map((issue) =>
    issue.message.startsWith(ENCRYPTION_KEYS_VARIABLE)
      ? issue.message
      : `${ENCRYPTION_KEYS_VARIABLE}: ${issue.message}`,
  );
  throw new Error(named.join('\n'));
}
