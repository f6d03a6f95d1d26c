import { randomBytes } from 'node:crypto';
import {
  DefaultFailureConverter,
  defaultPayloadConverter,
  METADATA_ENCODING_KEY,
  str,
  type Payload,
} from '@temporalio/common';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import {
  decodeOptionalFailureToOptionalError,
  encodeErrorToFailure,
} from '@temporalio/common/lib/internal-non-workflow/codec-helpers';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import {
  ENCRYPTED_ENCODING,
  EncryptionCodec,
  jobdeckDataConverter,
  KEY_ID_METADATA,
  parseEncryptionKeys,
} from '../../src/codec';

const key = () => randomBytes(32).toString('base64');
const k1 = `k1:${key()}`;
const k2 = `k2:${key()}`;
const secretInput = { url: 'https://example.com/hook', headers: { Authorization: 'Bearer marker-7f3a' } };

function jsonPayload(value: unknown): Payload {
  return defaultPayloadConverter.toPayload(value);
}

describe('EncryptionCodec', () => {
  it('encrypts a payload so that nothing of it is readable, and decrypts it back', async () => {
    const codec = new EncryptionCodec(parseEncryptionKeys(k1));
    const [encrypted] = await codec.encode([jsonPayload(secretInput)]);
    expect(str(encrypted!.metadata![METADATA_ENCODING_KEY]!)).toBe(ENCRYPTED_ENCODING);
    expect(str(encrypted!.metadata![KEY_ID_METADATA]!)).toBe('k1');
    expect(Buffer.from(encrypted!.data!).toString('latin1')).not.toContain('marker-7f3a');
    expect(Buffer.from(encrypted!.data!).toString('latin1')).not.toContain('json/plain');

    const [decoded] = await codec.decode([encrypted!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(secretInput);
  });

  it('uses a fresh IV for every payload: the same value never encrypts to the same bytes', async () => {
    const codec = new EncryptionCodec(parseEncryptionKeys(k1));
    const [a, b] = await codec.encode([jsonPayload('same'), jsonPayload('same')]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('rotates: a new first key encrypts, the old one still decrypts what it wrote', async () => {
    const before = new EncryptionCodec(parseEncryptionKeys(k1));
    const [old] = await before.encode([jsonPayload(secretInput)]);

    const after = new EncryptionCodec(parseEncryptionKeys(`${k2},${k1}`));
    const [decodedOld] = await after.decode([old!]);
    expect(defaultPayloadConverter.fromPayload(decodedOld!)).toEqual(secretInput);

    const [fresh] = await after.encode([jsonPayload('new')]);
    expect(str(fresh!.metadata![KEY_ID_METADATA]!)).toBe('k2');
    // Once k1 is dropped, what it wrote is unreadable, and the error says why.
    await expect(new EncryptionCodec(parseEncryptionKeys(k2)).decode([old!])).rejects.toThrow(
      /key id "k1", which is not in JOBDECK_ENCRYPTION_KEYS \(known: k2\)/,
    );
  });

  it('refuses tampered ciphertext, a truncated one, a key that changed under the same id, a missing key id', async () => {
    const codec = new EncryptionCodec(parseEncryptionKeys(k1));
    const [encrypted] = await codec.encode([jsonPayload(secretInput)]);
    const tampered = Buffer.from(encrypted!.data!);
    tampered[20] = tampered[20]! ^ 0x01;
    await expect(codec.decode([{ ...encrypted!, data: tampered }])).rejects.toThrow(
      /key "k1" does not decrypt: the ciphertext was altered/,
    );
    await expect(codec.decode([{ ...encrypted!, data: tampered.subarray(0, 10) }])).rejects.toThrow(/truncated/);
    await expect(new EncryptionCodec(parseEncryptionKeys(`k1:${key()}`)).decode([encrypted!])).rejects.toThrow(
      /does not decrypt/,
    );
    const withoutKeyId = {
      ...encrypted!,
      metadata: { [METADATA_ENCODING_KEY]: encrypted!.metadata![METADATA_ENCODING_KEY]! },
    };
    await expect(codec.decode([withoutKeyId])).rejects.toThrow(/without the encryption-key-id metadata/);
  });

  it('lets payloads that are not encrypted through decode unchanged (older histories, search attributes)', async () => {
    const codec = new EncryptionCodec(parseEncryptionKeys(k1));
    const plain = jsonPayload({ written: 'before encryption' });
    const [decoded] = await codec.decode([plain]);
    expect(decoded).toBe(plain);
    const noMetadata: Payload = { data: new Uint8Array([1, 2, 3]) };
    expect((await codec.decode([noMetadata]))[0]).toBe(noMetadata);
  });
});

describe('jobdeckDataConverter', () => {
  it('encodes failure messages and stacks into an encrypted payload, and restores them', async () => {
    const converter = loadDataConverter(jobdeckDataConverter(k1));
    expect(converter.failureConverter).toBeInstanceOf(DefaultFailureConverter);
    const failure = await encodeErrorToFailure(
      converter,
      ApplicationFailure.create({ message: 'receiver said marker-91c2', type: 'HttpServerError' }),
    );
    expect(failure.message).toBe('Encoded failure');
    expect(failure.stackTrace).toBe('');
    expect(str(failure.encodedAttributes!.metadata![METADATA_ENCODING_KEY]!)).toBe(ENCRYPTED_ENCODING);
    expect(Buffer.from(failure.encodedAttributes!.data!).toString('latin1')).not.toContain('marker-91c2');

    const error = await decodeOptionalFailureToOptionalError(converter, failure);
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error!.message).toBe('receiver said marker-91c2');
    expect((error as ApplicationFailure).type).toBe('HttpServerError');
  });

  it('fails at construction on a bad key list', () => {
    expect(() => jobdeckDataConverter('k1:short')).toThrow(/JOBDECK_ENCRYPTION_KEYS: entry 1 \(id "k1"\)/);
  });
});

describe('parseEncryptionKeys', () => {
  it('takes the first key as current and every key for decryption', () => {
    const keys = parseEncryptionKeys(` ${k2} , ${k1} `);
    expect(keys.current.id).toBe('k2');
    expect(keys.current.key).toHaveLength(32);
    expect([...keys.byId.keys()]).toEqual(['k2', 'k1']);
  });

  it('requires a key, and says how to get one', () => {
    for (const missing of [undefined, null, '', ' , ']) {
      expect(() => parseEncryptionKeys(missing)).toThrow(
        /JOBDECK_ENCRYPTION_KEYS is required: npm run dev generates one/,
      );
    }
  });

  it('refuses malformed entries with a message per problem, never echoing key material', () => {
    const short = randomBytes(16).toString('base64');
    const cases: Array<[string, RegExp]> = [
      [`k1:${short}`, /entry 1 \(id "k1"\): the key is 16 bytes; AES-256 needs exactly 32/],
      [`k1:${randomBytes(48).toString('base64')}`, /the key is 48 bytes/],
      ['k1:not*base64!', /entry 1 \(id "k1"\): the key is not valid base64/],
      [`k1:${key().slice(0, -1)}`, /not valid base64/],
      ['k1:', /not valid base64/],
      [key(), /entry 1: expected <keyId>:<base64 of 32 bytes>/],
      [`bad id:${key()}`, /entry 1: the key id must be 1 to 64 letters/],
      [`${k1},k1:${key()}`, /entry 2: key id "k1" appears twice/],
    ];
    for (const [spec, message] of cases) {
      let thrown: Error | undefined;
      try {
        parseEncryptionKeys(spec);
      } catch (error) {
        thrown = error as Error;
      }
      expect(thrown?.message, spec).toMatch(message);
      expect(thrown!.message).toMatch(/^JOBDECK_ENCRYPTION_KEYS/);
      const material = spec.split(':').at(-1)!;
      if (material.length > 8) expect(thrown!.message).not.toContain(material);
    }
  });

  it('lists every problem at once', () => {
    expect(() => parseEncryptionKeys(`k1:${key()},k2:short,k1:${key()}`)).toThrow(
      /entry 2 \(id "k2"\)[\s\S]*entry 3: key id "k1" appears twice/,
    );
  });
});
