import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './encryption-codec';
import { parseEncryptionKeys, type EncryptionKeys } from './keys';

/** Give it to `bundleWorkflowCode` too: the workflow sandbox converts failures with its own copy. */
export const FAILURE_CONVERTER_PATH = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

/**
 * The data converter of every Jobdeck Temporal client and worker: payloads encrypted with the
 * current key, failure messages and stacks encoded (so encrypted) too. A string is parsed as
 * JOBDECK_ENCRYPTION_KEYS is.
 */
export function jobdeckDataConverter(keys: EncryptionKeys | string): DataConverter {
  const parsed = typeof keys === 'string' ? parseEncryptionKeys(keys) : keys;
  return { payloadCodecs: [new EncryptionCodec(parsed)], failureConverterPath: FAILURE_CONVERTER_PATH };
}
