import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { METADATA_ENCODING_KEY, str, u8, ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
import { ENCRYPTION_KEYS_VARIABLE, type EncryptionKeys } from './keys';
import type * as Proto from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const CIPHER = 'aes-256-gcm';
// GCM's recommended nonce size; random per payload, so one key can encrypt ~2^32 payloads safely.
const IV_BYTES = 12;
const TAG_BYTES = 16;

// A CommonJS module whose named exports Node's ESM loader cannot see: required, as the SDK does.
const { temporal } = createRequire(import.meta.url)('@temporalio/proto') as typeof Proto;
const ProtoPayload = temporal.api.common.v1.Payload;

export function isEncrypted(payload: Payload): boolean {
  const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
  return encoding !== undefined && encoding !== null && str(encoding) === ENCRYPTED_ENCODING;
}

/** AES-256-GCM with a random IV: IV ‖ ciphertext ‖ tag. Also seals alert channels' secrets at rest. */
export function sealBytes(key: Buffer, plain: Uint8Array): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(CIPHER, key, iv);
  return Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

/** The inverse of sealBytes; throws when the data was altered or the key is not the one that sealed it. */
export function openBytes(key: Buffer, sealed: Uint8Array): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error(`sealed data is truncated (${sealed.length} bytes)`);
  const decipher = createDecipheriv(CIPHER, key, sealed.subarray(0, IV_BYTES));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
}

/**
 * AES-256-GCM over the whole serialized payload (its metadata too, which names the payload's type),
 * as in Temporal's encryption sample: `data` = IV ‖ ciphertext ‖ tag, with the key id beside it in
 * clear so that keys can rotate.
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keys: EncryptionKeys) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  /** Payloads that are not encrypted pass through: histories from before encryption, search attributes. */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncrypted(payload) ? this.decrypt(payload) : payload));
  }

  private encrypt(payload: Payload): Payload {
    const { id, key } = this.keys.current;
    const sealed = sealBytes(key, ProtoPayload.encode(payload).finish());
    return {
      metadata: { [METADATA_ENCODING_KEY]: u8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: u8(id) },
      data: sealed,
    };
  }

  private decrypt(payload: Payload): Payload {
    const keyIdBytes = payload.metadata?.[KEY_ID_METADATA];
    if (!keyIdBytes)
      throw new ValueError(`encrypted payload without the ${KEY_ID_METADATA} metadata: cannot tell which key to use`);
    const id = str(keyIdBytes);
    const key = this.keys.byId.get(id);
    if (!key) {
      throw new ValueError(
        `payload encrypted with key id "${id}", which is not in ${ENCRYPTION_KEYS_VARIABLE} (known: ${[...this.keys.byId.keys()].join(', ')}); ` +
          'keep retired keys in the list until the histories they encrypted are gone',
      );
    }
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES)
      throw new ValueError(`payload encrypted with key "${id}" is truncated (${data.length} bytes)`);
    try {
      return ProtoPayload.decode(openBytes(key, data));
    } catch {
      throw new ValueError(
        `payload encrypted with key "${id}" does not decrypt: the ciphertext was altered, or the key with that id is not the one that encrypted it`,
      );
    }
  }
}
